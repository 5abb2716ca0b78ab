// The tasks every tool's module performs, in the same order and with the same data, so the test can
// check that the side-by-side code on the docs pages does the same thing with each tool.

export interface PostInput {
  readonly userId: string;
  readonly postId: string;
  readonly title: string;
  readonly status: 'draft' | 'live';
  readonly likes?: number;
}

/** What each module reports; the test expects the same from every tool. */
export interface TaskResults {
  /** The post `create` stored, read back: `likes` came from the default. */
  readonly created: { readonly title: string; readonly likes: number; readonly status: string };
  /** A second `create` of the same key was refused. */
  readonly duplicateRefused: boolean;
  /** `likes` after an increment conditioned on the post being live. */
  readonly likesAfterIncrement: number;
  /** The same increment on a draft was refused. */
  readonly draftIncrementRefused: boolean;
  /** Ana's two newest posts (sort key descending). */
  readonly newestTwo: readonly string[];
  /** Live posts with more than 5 likes, through the `byStatus` index, ascending by likes. */
  readonly popularLive: readonly string[];
  /** Posts in the table after a batch write of 60 more. */
  readonly countAfterBatch: number;
}

/** Ana's other posts, and 60 posts of other users for the batch write. */
export const more: readonly PostInput[] = [
  { userId: 'ana', postId: 'p2', title: 'Draft', status: 'draft', likes: 3 },
  { userId: 'ana', postId: 'p3', title: 'Popular', status: 'live', likes: 40 },
  { userId: 'ana', postId: 'p4', title: 'Quiet', status: 'live', likes: 2 },
  { userId: 'ben', postId: 'p1', title: 'Ten', status: 'live', likes: 10 },
];
export const batch: readonly PostInput[] = Array.from({ length: 60 }, (_, i) => ({
  userId: `user-${i % 7}`,
  postId: `b${String(i).padStart(2, '0')}`,
  title: `Batch ${i}`,
  status: 'draft',
}));

export const expected: TaskResults = {
  created: { title: 'Hello', likes: 0, status: 'live' },
  duplicateRefused: true,
  likesAfterIncrement: 1,
  draftIncrementRefused: true,
  newestTwo: ['p4', 'p3'],
  popularLive: ['ben/p1', 'ana/p3'],
  countAfterBatch: 65,
};

/** Where each tool sends its requests, and the table names it may use. */
export interface Target {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Put in front of every table name, so each run has tables of its own. */
  readonly prefix: string;
}
