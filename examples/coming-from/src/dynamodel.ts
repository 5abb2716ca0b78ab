import 'reflect-metadata';
import {
  Attribute,
  ConditionFailedError,
  Defaults,
  HashKey,
  Index,
  Indexes,
  ItemExistsError,
  Keys,
  Model,
  RangeKey,
  Table,
  connect,
  disconnect,
} from '@dynamodel/core';
import { batch, more, type PostInput, type Target, type TaskResults } from './tasks';

const Status = { Draft: 'draft', Live: 'live' } as const;

@Table({ name: 'posts' })
export class Post extends Model {
  declare [Keys]?: ['userId', 'postId'];
  declare [Defaults]?: 'likes';
  declare [Indexes]?: { byStatus: ['status', 'likes'] };
  @HashKey() userId!: string;
  @RangeKey() postId!: string;
  @Attribute() title!: string;
  @Index('byStatus', { hash: true }) @Attribute({ type: String, enum: Status }) status!: 'draft' | 'live';
  @Index('byStatus', { range: true }) @Attribute({ default: 0 }) likes!: number;
  @Attribute({ type: Set, of: String, optional: true }) tags?: Set<string>;
}

export async function createPost(): Promise<boolean> {
  await Post.create({ userId: 'ana', postId: 'p1', title: 'Hello', status: 'live' });
  try {
    await Post.create({ userId: 'ana', postId: 'p1', title: 'Again', status: 'live' });
    return false;
  } catch (error) {
    if (error instanceof ItemExistsError) return true; // create never overwrites
    throw error;
  }
}

export async function getPost(): Promise<Post | undefined> {
  return Post.get('ana', 'p1');
}

export async function likeIfLive(userId: string, postId: string): Promise<number | undefined> {
  try {
    const post = await Post.update({ userId, postId }, (u) => u.increment('likes'), {
      condition: { status: 'live' },
    });
    return post.likes;
  } catch (error) {
    if (error instanceof ConditionFailedError) return undefined;
    throw error;
  }
}

export async function newestTwo(): Promise<Post[]> {
  return Post.query('ana', { reverse: true, limit: 2 }).all();
}

export async function popularLive(): Promise<Post[]> {
  return Post.query({ index: 'byStatus', key: 'live' }, { where: (k) => k.gt('likes', 5) }).all();
}

export async function writeMany(posts: readonly PostInput[]): Promise<void> {
  // Any number of items: groups of 25, sent in parallel, unprocessed items re-sent with backoff.
  const report = await Post.batchPut([...posts]);
  if (report.failed > 0) throw new Error(`${report.failed} posts were not written`, { cause: report.failures });
}

export async function runTasks(target: Target): Promise<TaskResults> {
  connect({ ...target, autoCreateTables: true }); // the tables are created from the models
  try {
    const duplicateRefused = await createPost();
    const created = await getPost();
    for (const post of more) await Post.put(post);
    const likesAfterIncrement = await likeIfLive('ana', 'p1');
    const draftIncrement = await likeIfLive('ana', 'p2');
    const newest = await newestTwo();
    const popular = await popularLive();
    await writeMany(batch);
    return {
      created: { title: created?.title ?? '', likes: created?.likes ?? -1, status: created?.status ?? '' },
      duplicateRefused,
      likesAfterIncrement: likesAfterIncrement ?? -1,
      draftIncrementRefused: draftIncrement === undefined,
      newestTwo: newest.map((post) => post.postId),
      popularLive: popular.map((post) => `${post.userId}/${post.postId}`),
      countAfterBatch: await Post.scan().count(),
    };
  } finally {
    await disconnect();
  }
}
