import { compileModel, deleteItemParams, getItemParams, keyFromArgs, putItemParams, queryParams } from '../src';
import { buildCondition } from '../src/expressions/condition';
import { saveParams } from '../src/operations/save/save-params';
import { readState } from '../src/model/stored-state';
import { Message, Tweet } from './support/models';

// The pure builders of each operation's SDK input, without a client.
describe('operation inputs', () => {
  const tweets = compileModel(Tweet);
  const messages = compileModel(Message);

  it('GetItem: key encoded by the key codecs, consistent read on request', () => {
    const key = keyFromArgs(messages, ['general', new Date(1000)]);
    expect(key).toEqual({ channel: { S: 'general' }, sentAt: { N: '1000' } });
    expect(getItemParams('t', key, { consistent: true })).toEqual({
      TableName: 't',
      Key: key,
      ConsistentRead: true,
    });
    expect(keyFromArgs(messages, [{ channel: 'general', sentAt: new Date(1000), body: 'ignored' }])).toEqual(key);
  });

  it('PutItem for create: conditional on the hash key, returning the stored item on failure', () => {
    expect(putItemParams(tweets, 't', { tweetId: { S: 'x' } }, { ifAbsent: true })).toEqual({
      TableName: 't',
      Item: { tweetId: { S: 'x' } },
      ConditionExpression: 'attribute_not_exists(#n0)',
      ExpressionAttributeNames: { '#n0': 'tweetId' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(putItemParams(tweets, 't', { tweetId: { S: 'x' } })).toEqual({
      TableName: 't',
      Item: { tweetId: { S: 'x' } },
    });
  });

  it('DeleteItem: only the placeholders the condition uses', () => {
    const key = { tweetId: { S: 'x' } };
    expect(deleteItemParams(tweets, 't', key)).toEqual({ TableName: 't', Key: key, ReturnValues: 'ALL_OLD' });
    const condition = buildCondition<Tweet>((c) => c.eq('author', 'ana'));
    expect(deleteItemParams(tweets, 't', key, { mustExist: true, condition })).toEqual({
      TableName: 't',
      Key: key,
      ReturnValues: 'ALL_OLD',
      ConditionExpression: 'attribute_exists(#n0) AND #n1 = :v0',
      ExpressionAttributeNames: { '#n0': 'tweetId', '#n1': 'author' },
      ExpressionAttributeValues: { ':v0': { S: 'ana' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('UpdateItem for save: only the changed attributes, the item must still exist; nothing when unchanged', () => {
    const stored = {
      tweetId: { S: 'x' },
      author: { S: 'ana' },
      text: { S: 'hi' },
      created: { S: '1970-01-01T00:00:00.000Z' },
      likes: { N: '1' },
      hashtags: { SS: ['a'] },
    };
    const tweet = Tweet.build({ tweetId: 'x', author: 'ana', text: 'hi', created: new Date(0), likes: 1 });
    tweet.hashtags = new Set(['a']);
    expect(saveParams(tweets, 't', tweet, readState(stored))).toBeUndefined();
    tweet.text = 'edited';
    tweet.hashtags = undefined;
    expect(saveParams(tweets, 't', tweet, readState(stored))?.params).toEqual({
      TableName: 't',
      Key: { tweetId: { S: 'x' } },
      UpdateExpression: 'SET #n0 = :v0 REMOVE #n1',
      ConditionExpression: 'attribute_exists(#n2)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      ExpressionAttributeNames: { '#n0': 'text', '#n1': 'hashtags', '#n2': 'tweetId' },
      ExpressionAttributeValues: { ':v0': { S: 'edited' } },
    });
    // Never stored: every attribute it holds is set, nothing removed, the item may be absent.
    const params = saveParams(tweets, 't', tweet, undefined)?.params;
    expect(params?.ConditionExpression).toBeUndefined();
    expect(params?.UpdateExpression).toBe('SET #n0 = :v0, #n1 = :v1, #n2 = :v2, #n3 = :v3');
  });

  it('refuses an expression over 4 KB before sending, in every builder', () => {
    const many = buildCondition<Tweet>((c) => c.and(...Array.from({ length: 400 }, (_, i) => c.ne('text', `t${i}`))));
    const refusal = expect.objectContaining({ name: 'ValidationError', model: 'Tweet', rule: 'expression-size' });
    expect(() => putItemParams(tweets, 't', { tweetId: { S: 'x' } }, { condition: many })).toThrow(refusal);
    expect(() => deleteItemParams(tweets, 't', { tweetId: { S: 'x' } }, { condition: many })).toThrow(refusal);
    const manyBodies = buildCondition<Message>((c) =>
      c.and(...Array.from({ length: 400 }, (_, i) => c.ne('body', `b${i}`))),
    );
    expect(() => queryParams(messages, 't', { partition: 'general', filter: manyBodies })).toThrow(
      expect.objectContaining({ model: 'Message', rule: 'expression-size' }),
    );
    const few = buildCondition<Tweet>((c) => c.and(...Array.from({ length: 100 }, (_, i) => c.ne('text', `t${i}`))));
    expect(() => putItemParams(tweets, 't', { tweetId: { S: 'x' } }, { condition: few })).not.toThrow();
  });
});
