import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  $add,
  BatchPutRequest,
  BatchWriteCommand,
  Entity,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  Table,
  UpdateItemCommand,
  executeBatchWrite,
  item,
  number,
  set,
  string,
  type FormattedItem,
} from 'dynamodb-toolbox';
import { batch, more, type PostInput, type Target, type TaskResults } from './tasks';

function postsTable(name: string, documentClient: DynamoDBDocumentClient) {
  return new Table({
    name,
    documentClient,
    partitionKey: { name: 'userId', type: 'string' },
    sortKey: { name: 'postId', type: 'string' },
    indexes: {
      byStatus: {
        type: 'global',
        partitionKey: { name: 'status', type: 'string' },
        sortKey: { name: 'likes', type: 'number' },
      },
    },
  });
}

function postEntity(table: ReturnType<typeof postsTable>) {
  return new Entity({
    name: 'Post',
    table,
    schema: item({
      userId: string().key(),
      postId: string().key(),
      title: string(),
      status: string().enum('draft', 'live'),
      likes: number().default(0),
      tags: set(string()).optional(),
    }),
  });
}

let Posts: ReturnType<typeof postsTable>;
let PostEntity: ReturnType<typeof postEntity>;
type Post = FormattedItem<typeof PostEntity>;

const conditionFailed = (error: unknown): boolean => (error as Error).name === 'ConditionalCheckFailedException';

export async function createPost(): Promise<boolean> {
  const post = { userId: 'ana', postId: 'p1', title: 'Hello', status: 'live' } as const;
  const ifAbsent = { condition: { attr: 'postId', exists: false } } as const;
  await PostEntity.build(PutItemCommand).item(post).options(ifAbsent).send();
  try {
    await PostEntity.build(PutItemCommand)
      .item({ ...post, title: 'Again' })
      .options(ifAbsent)
      .send();
    return false;
  } catch (error) {
    if (conditionFailed(error)) return true; // only with the condition: a put overwrites
    throw error;
  }
}

export async function getPost(): Promise<Post | undefined> {
  const { Item } = await PostEntity.build(GetItemCommand).key({ userId: 'ana', postId: 'p1' }).send();
  return Item;
}

export async function likeIfLive(userId: string, postId: string): Promise<number | undefined> {
  try {
    const { Attributes } = await PostEntity.build(UpdateItemCommand)
      .item({ userId, postId, likes: $add(1) })
      .options({ condition: { attr: 'status', eq: 'live' }, returnValues: 'ALL_NEW' })
      .send();
    return Attributes?.likes;
  } catch (error) {
    if (conditionFailed(error)) return undefined;
    throw error;
  }
}

export async function newestTwo(): Promise<Post[]> {
  const { Items = [] } = await Posts.build(QueryCommand)
    .entities(PostEntity)
    .query({ partition: 'ana' })
    .options({ reverse: true, limit: 2 })
    .send();
  return Items;
}

export async function popularLive(): Promise<Post[]> {
  const { Items = [] } = await Posts.build(QueryCommand)
    .entities(PostEntity)
    .query({ index: 'byStatus', partition: 'live', range: { gt: 5 } })
    .options({ maxPages: Infinity })
    .send();
  return Items;
}

export async function writeMany(posts: readonly PostInput[]): Promise<void> {
  // A BatchWriteCommand holds at most 25 requests; executeBatchWrite re-sends unprocessed ones at
  // once (no backoff) up to maxAttempts, then returns what is left.
  for (let start = 0; start < posts.length; start += 25) {
    const requests = posts.slice(start, start + 25).map((post) => PostEntity.build(BatchPutRequest).item(post));
    const command = Posts.build(BatchWriteCommand).requests(...requests);
    const { UnprocessedItems = {} } = await executeBatchWrite({ maxAttempts: 10 }, command);
    const left = Object.values(UnprocessedItems).flat().length;
    if (left > 0) throw new Error(`${left} posts were not written`);
  }
}

export async function runTasks(target: Target): Promise<TaskResults> {
  const name = `${target.prefix}posts`;
  const raw = new DynamoDBClient(target);
  // dynamodb-toolbox does not create tables: the table and its index are defined by hand.
  const attribute = (AttributeName: string, AttributeType: 'S' | 'N') => ({ AttributeName, AttributeType });
  await raw.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        attribute('userId', 'S'),
        attribute('postId', 'S'),
        attribute('status', 'S'),
        attribute('likes', 'N'),
      ],
      KeySchema: [
        { AttributeName: 'userId', KeyType: 'HASH' },
        { AttributeName: 'postId', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'likes', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitUntilTableExists({ client: raw, maxWaitTime: 60 }, { TableName: name });
  Posts = postsTable(name, DynamoDBDocumentClient.from(raw));
  PostEntity = postEntity(Posts);
  try {
    const duplicateRefused = await createPost();
    const created = await getPost();
    for (const post of more) await PostEntity.build(PutItemCommand).item(post).send();
    const likesAfterIncrement = await likeIfLive('ana', 'p1');
    const draftIncrement = await likeIfLive('ana', 'p2');
    const newest = await newestTwo();
    const popular = await popularLive();
    await writeMany(batch);
    const { Count = 0 } = await Posts.build(ScanCommand)
      .entities(PostEntity)
      .options({ select: 'COUNT', maxPages: Infinity })
      .send();
    return {
      created: { title: created?.title ?? '', likes: created?.likes ?? -1, status: created?.status ?? '' },
      duplicateRefused,
      likesAfterIncrement: likesAfterIncrement ?? -1,
      draftIncrementRefused: draftIncrement === undefined,
      newestTwo: newest.map((post) => post.postId),
      popularLive: popular.map((post) => `${post.userId}/${post.postId}`),
      countAfterBatch: Count,
    };
  } finally {
    raw.destroy();
  }
}
