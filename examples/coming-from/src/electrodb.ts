import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ElectroError, Entity, type EntityItem } from 'electrodb';
import { batch, more, type PostInput, type Target, type TaskResults } from './tasks';

function postEntity(table: string, client: DynamoDBDocumentClient) {
  return new Entity(
    {
      model: { entity: 'post', version: '1', service: 'blog' },
      attributes: {
        userId: { type: 'string', required: true },
        postId: { type: 'string', required: true },
        title: { type: 'string', required: true },
        status: { type: ['draft', 'live'] as const, required: true },
        // In a key, a number is text: padded, so that 10 sorts after 5.
        likes: { type: 'number', required: true, default: 0, padding: { length: 8, char: '0' } },
        tags: { type: 'set', items: 'string' },
      },
      indexes: {
        byUser: { pk: { field: 'pk', composite: ['userId'] }, sk: { field: 'sk', composite: ['postId'] } },
        byStatus: {
          index: 'gsi1',
          pk: { field: 'gsi1pk', composite: ['status'] },
          sk: { field: 'gsi1sk', composite: ['likes'] },
        },
      },
    },
    { table, client },
  );
}

let Post: ReturnType<typeof postEntity>;
type Post = EntityItem<typeof Post>;

// ElectroDB wraps the SDK's error: its `cause` is the ConditionalCheckFailedException.
const conditionFailed = (error: unknown): boolean =>
  error instanceof ElectroError && (error.cause as Error | undefined)?.name === 'ConditionalCheckFailedException';

export async function createPost(): Promise<boolean> {
  await Post.create({ userId: 'ana', postId: 'p1', title: 'Hello', status: 'live' }).go();
  try {
    await Post.create({ userId: 'ana', postId: 'p1', title: 'Again', status: 'live' }).go();
    return false;
  } catch (error) {
    if (conditionFailed(error)) return true; // create never overwrites
    throw error;
  }
}

export async function getPost(): Promise<Post | null> {
  const { data } = await Post.get({ userId: 'ana', postId: 'p1' }).go();
  return data;
}

export async function likeIfLive(userId: string, postId: string): Promise<number | undefined> {
  try {
    const { data } = await Post.update({ userId, postId })
      .add({ likes: 1 })
      .where(({ status }, { eq }) => eq(status, 'live'))
      .go({ response: 'all_new' });
    return data.likes;
  } catch (error) {
    if (conditionFailed(error)) return undefined;
    throw error;
  }
}

export async function newestTwo(): Promise<Post[]> {
  const { data } = await Post.query.byUser({ userId: 'ana' }).go({ order: 'desc', limit: 2 });
  return data;
}

export async function popularLive(): Promise<Post[]> {
  const { data } = await Post.query.byStatus({ status: 'live' }).gt({ likes: 5 }).go({ pages: 'all' });
  return data;
}

export async function writeMany(posts: readonly PostInput[]): Promise<void> {
  // put([...]) sends BatchWriteItem calls of 25 and returns the keys DynamoDB left unprocessed.
  let pending = [...posts];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 10) throw new Error(`${pending.length} posts were not written`);
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    const { unprocessed } = await Post.put(pending).go();
    const left = new Set(unprocessed.map((key) => `${key.userId}/${key.postId}`));
    pending = pending.filter((post) => left.has(`${post.userId}/${post.postId}`));
  }
}

export async function runTasks(target: Target): Promise<TaskResults> {
  const table = `${target.prefix}blog`;
  const raw = new DynamoDBClient(target);
  // ElectroDB does not create tables: the table and its index are defined by hand.
  const key = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  await raw.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [key('pk'), key('sk'), key('gsi1pk'), key('gsi1sk')],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitUntilTableExists({ client: raw, maxWaitTime: 60 }, { TableName: table });
  Post = postEntity(table, DynamoDBDocumentClient.from(raw));
  try {
    const duplicateRefused = await createPost();
    const created = await getPost();
    for (const post of more) await Post.put(post).go();
    const likesAfterIncrement = await likeIfLive('ana', 'p1');
    const draftIncrement = await likeIfLive('ana', 'p2');
    const newest = await newestTwo();
    const popular = await popularLive();
    await writeMany(batch);
    const { data: all } = await Post.scan.go({ pages: 'all' });
    return {
      created: { title: created?.title ?? '', likes: created?.likes ?? -1, status: created?.status ?? '' },
      duplicateRefused,
      likesAfterIncrement: likesAfterIncrement ?? -1,
      draftIncrementRefused: draftIncrement === undefined,
      newestTwo: newest.map((post) => post.postId),
      popularLive: popular.map((post) => `${post.userId}/${post.postId}`),
      countAfterBatch: all.length,
    };
  } finally {
    raw.destroy();
  }
}
