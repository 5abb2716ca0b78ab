import * as dynamoose from 'dynamoose';
import { Item } from 'dynamoose/dist/Item';
import { batch, more, type PostInput, type Target, type TaskResults } from './tasks';

class Post extends Item {
  userId!: string;
  postId!: string;
  title!: string;
  status!: 'draft' | 'live';
  likes!: number;
  tags?: Set<string>;
}

const postSchema = new dynamoose.Schema({
  userId: { type: String, hashKey: true },
  postId: { type: String, rangeKey: true },
  title: { type: String, required: true },
  status: {
    type: String,
    enum: ['draft', 'live'],
    required: true,
    index: { name: 'byStatus', type: 'global', rangeKey: 'likes' },
  },
  likes: { type: Number, default: 0 },
  tags: { type: Set, schema: [String] },
});

let Posts: ReturnType<typeof dynamoose.model<Post>>;

export async function createPost(): Promise<boolean> {
  await Posts.create({ userId: 'ana', postId: 'p1', title: 'Hello', status: 'live' });
  try {
    await Posts.create({ userId: 'ana', postId: 'p1', title: 'Again', status: 'live' });
    return false;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return true; // create: overwrite false
    throw error;
  }
}

export async function getPost(): Promise<Post | undefined> {
  return Posts.get({ userId: 'ana', postId: 'p1' });
}

export async function likeIfLive(userId: string, postId: string): Promise<number | undefined> {
  try {
    const post = await Posts.update(
      { userId, postId },
      { $ADD: { likes: 1 } },
      { condition: new dynamoose.Condition('status').eq('live') },
    );
    return post.likes;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
}

export async function newestTwo(): Promise<Post[]> {
  return Posts.query('userId').eq('ana').sort('descending').limit(2).exec();
}

export async function popularLive(): Promise<Post[]> {
  return Posts.query('status').eq('live').where('likes').gt(5).using('byStatus').exec();
}

export async function writeMany(posts: readonly PostInput[]): Promise<void> {
  // batchPut sends one BatchWriteItem: at most 25 items, and the unprocessed ones are returned.
  for (let start = 0; start < posts.length; start += 25) {
    let pending: Partial<Post>[] = posts.slice(start, start + 25).map((post) => ({ ...post }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 10) throw new Error(`${pending.length} posts were not written`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const { unprocessedItems } = await Posts.batchPut(pending);
      pending = unprocessedItems;
    }
  }
}

export async function runTasks(target: Target): Promise<TaskResults> {
  dynamoose.aws.ddb.set(new dynamoose.aws.ddb.DynamoDB(target));
  Posts = dynamoose.model<Post>('posts', postSchema, { prefix: target.prefix, create: true, waitForActive: true });
  const duplicateRefused = await createPost();
  const created = await getPost();
  for (const post of more) await Posts.create(post, { overwrite: true });
  const likesAfterIncrement = await likeIfLive('ana', 'p1');
  const draftIncrement = await likeIfLive('ana', 'p2');
  const newest = await newestTwo();
  const popular = await popularLive();
  await writeMany(batch);
  const { count } = await Posts.scan().count().exec();
  return {
    created: { title: created?.title ?? '', likes: created?.likes ?? -1, status: created?.status ?? '' },
    duplicateRefused,
    likesAfterIncrement: likesAfterIncrement ?? -1,
    draftIncrementRefused: draftIncrement === undefined,
    newestTwo: newest.map((post) => post.postId),
    popularLive: popular.map((post) => `${post.userId}/${post.postId}`),
    countAfterBatch: count,
  };
}
