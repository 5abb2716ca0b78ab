import { compileModel, deleteItemParams, getItemParams, keyFromArgs, putItemParams } from '../src';
import { buildCondition } from '../src/expressions/condition';
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
});
