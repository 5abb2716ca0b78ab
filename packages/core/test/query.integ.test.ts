import 'reflect-metadata';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  createConnection,
  HashKey,
  Index,
  Keys,
  Model,
  RangeKey,
  Table,
  ValidationError,
  type ConditionBuilder,
  type Connection,
} from '../src';
import { recordingExecutor, type RecordingExecutor } from './support/recording-executor';

// Issue 11 §5: query and scan against DynamoDB Local — pagination over several 1 MB pages forward,
// reverse and resumed from cursors (also through an index), key conditions, filters and
// projections on reserved and odd names, parallel scan exactly once, and every refusal before sending.

@Table({ name: 'posts' })
class Post extends Model {
  declare [Keys]?: ['userId', 'postId'];
  @HashKey() userId!: string;
  @RangeKey() postId!: string;
  @Index('byStatus', { hash: true }) @Attribute({ name: 'status' }) state!: string; // a reserved word
  @Index('byStatus', { range: true }) @Attribute({ name: 'created-at' }) createdAt!: number;
  @Attribute({ name: 'a.b' }) dotted!: string; // one attribute, never a path
  @Attribute() body!: string;
  @Index('featured', { hash: true, projection: ['dotted'] }) @Attribute({ optional: true }) featured?: string;
  @Index('byLikes', { range: true, projection: 'KEYS_ONLY' }) @Attribute({ name: '#likes' }) likes!: number;
}

@Table({ name: 'events' })
class Event extends Model {
  @HashKey() id!: string;
  @Index('byPlace', { hash: 1 }) @Attribute() country!: string;
  @Index('byPlace', { hash: 2 }) @Attribute() city!: string;
  @Index('byPlace', { range: 1 }) @Attribute() day!: string;
  @Index('byPlace', { range: 2 }) @Attribute() hour!: number;
}

const ITEMS = 2_500;
const id = (i: number) => `p${String(i).padStart(5, '0')}`;
const config = localTestConfig();
let executor: RecordingExecutor;
let connection: Connection;
const posts = () => Post.using(connection);

beforeAll(async () => {
  executor = recordingExecutor(config);
  connection = createConnection({ executor, prefix: uniqueTablePrefix('query'), concurrency: 16 });
  await connection.syncTables([Post, Event]);
  // 2,500 items of about 1 KB in one partition: 2.5 MB, so several 1 MB pages.
  const body = 'x'.repeat(1_000);
  for (let start = 0; start < ITEMS; start += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, ITEMS - start) }, (_, k) => {
        const i = start + k;
        return posts().put({
          userId: 'ana',
          postId: id(i),
          state: i % 2 === 0 ? 'live' : 'draft',
          createdAt: ITEMS - i, // the index orders them backwards
          dotted: `d${i % 10}`,
          body,
          likes: i % 7,
          ...(i % 100 === 0 ? { featured: 'yes' } : {}),
        });
      }),
    );
  }
  await posts().put({ userId: 'bo', postId: id(0), state: 'live', createdAt: 0, dotted: 'd', body: 'b', likes: 0 });
}, 120_000);
afterAll(async () => {
  await connection.close();
  executor.destroy();
});

/** Query requests sent while `work` runs. */
async function requestsDuring(work: () => Promise<unknown>, operation: 'Query' | 'Scan' = 'Query'): Promise<number> {
  const before = executor.count(operation);
  await work();
  return executor.count(operation) - before;
}

describe('query', () => {
  it('returns a partition in sort key order across several 1 MB pages, each item once', async () => {
    let all: Post[] = [];
    const requests = await requestsDuring(async () => (all = await posts().query('ana').all()));
    expect(requests).toBeGreaterThanOrEqual(3);
    expect(all.map((post) => post.postId)).toEqual(Array.from({ length: ITEMS }, (_, i) => id(i)));
    expect(all[0]).toBeInstanceOf(Post);
    const reverse = await posts().query('ana', { reverse: true }).all();
    expect(reverse.map((post) => post.postId)).toEqual(Array.from({ length: ITEMS }, (_, i) => id(ITEMS - 1 - i)));
  });

  it('iterates lazily: breaking early sends no further request', async () => {
    const seen: string[] = [];
    const requests = await requestsDuring(async () => {
      for await (const post of posts().query('ana', { pageSize: 10 })) {
        seen.push(post.postId);
        if (seen.length === 15) break;
      }
    });
    expect(seen).toEqual(Array.from({ length: 15 }, (_, i) => id(i)));
    expect(requests).toBe(2);
  });

  it('pages with cursors, forward and reverse: exactly once, in order, resumable in the middle of a DynamoDB page', async () => {
    for (const reverse of [false, true]) {
      const read = posts().query('ana', { reverse, filter: (c) => c.eq('state', 'live') });
      const collected: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await read.page({ cursor, limit: 333 });
        collected.push(...page.items.map((post) => post.postId));
        cursor = page.cursor;
        expect(cursor === undefined || /^[A-Za-z0-9_.-]+$/.test(cursor)).toBe(true); // URL-safe
        pages++;
      } while (cursor);
      const expected = Array.from({ length: ITEMS / 2 }, (_, i) => id(i * 2));
      expect(collected).toEqual(reverse ? expected.reverse() : expected);
      expect(pages).toBeGreaterThanOrEqual(4);
    }
  });

  it('pages through a global index, resuming from cursors, with the index key order', async () => {
    const read = posts().query({ index: 'byStatus', key: 'live' });
    const collected: Post[] = [];
    let cursor: string | undefined;
    do {
      const page = await read.page({ cursor, limit: 250 });
      collected.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    // Both partitions ('ana' and 'bo') have live posts; the index orders them by createdAt.
    expect(collected).toHaveLength(ITEMS / 2 + 1);
    const created = collected.map((post) => post.createdAt);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect(new Set(collected.map((post) => `${post.userId}/${post.postId}`)).size).toBe(collected.length);
  });

  it('takes sort key conditions, filters on odd names, limit and count', async () => {
    const between = await posts()
      .query('ana', { where: (k) => k.between('postId', id(10), id(19)) })
      .all();
    expect(between.map((post) => post.postId)).toEqual(Array.from({ length: 10 }, (_, i) => id(10 + i)));
    const prefix = await posts()
      .query('ana', { where: (k) => k.beginsWith('postId', 'p001') })
      .count();
    expect(prefix).toBe(100);
    const filtered = await posts()
      .query('ana', { filter: (c) => c.and(c.eq('dotted', 'd3'), c.eq('likes', 3)), limit: 5 })
      .all();
    // d3 means i % 10 == 3; likes 3 means i % 7 == 3: i = 3, 73, 143, 213, 283.
    expect(filtered.map((post) => post.postId)).toEqual([3, 73, 143, 213, 283].map(id));
    expect(
      await posts()
        .query('ana', { filter: { state: 'draft' } })
        .count(),
    ).toBe(ITEMS / 2);
    const gt = await posts()
      .query('ana', { where: (k) => k.gt('postId', id(ITEMS - 3)) })
      .all();
    expect(gt.map((post) => post.postId)).toEqual([id(ITEMS - 2), id(ITEMS - 1)]);
  });

  it('without a filter, a limit never reads past itself', async () => {
    let firstFive: Post[] = [];
    const requests = await requestsDuring(async () => (firstFive = await posts().query('ana', { limit: 5 }).all()));
    expect(firstFive).toHaveLength(5);
    expect(requests).toBe(1);
    const last = executor.calls.length;
    expect((await posts().query('ana', { reverse: true }).first())?.postId).toBe(id(ITEMS - 1));
    expect(executor.calls.length - last).toBe(1);
  });

  it('a projection returns partial instances holding the projected attributes and the keys', async () => {
    const [first] = await posts()
      .query('ana', { projection: ['dotted', 'state'], limit: 1 })
      .all();
    expect({ ...first }).toEqual({ userId: 'ana', postId: id(0), dotted: 'd0', state: 'live' });
    // A partial instance saves only what it holds.
    const part = first as Post;
    part.dotted = 'changed';
    await part.save();
    const stored = await posts().getOrFail('ana', id(0));
    expect(stored).toMatchObject({ dotted: 'changed', body: 'x'.repeat(1_000), likes: 0 });
    stored.dotted = 'd0';
    await stored.save();
  });

  it('a sparse index holds only the items with its key; a KEYS_ONLY index returns partial instances', async () => {
    const featured = await posts().query({ index: 'featured', key: 'yes' }).all();
    expect(featured).toHaveLength(ITEMS / 100);
    expect(featured[0]?.body).toBeUndefined(); // not projected into the index
    expect(featured[0]?.dotted).toMatch(/^d/);
    const byLikes = await posts()
      .query('ana', { index: 'byLikes', where: (k) => k.eq('likes', 6) })
      .all();
    expect(byLikes).toHaveLength(Array.from({ length: ITEMS }, (_, i) => i % 7 === 6).filter(Boolean).length);
    expect(
      Object.entries({ ...byLikes[0] })
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key)
        .sort(),
    ).toEqual(['likes', 'postId', 'userId']);
  });

  it('queries a multi-attribute GSI key', async () => {
    const events = Event.using(connection);
    for (const [i, hour] of [1, 5, 9, 14].entries()) {
      await events.put({ id: `e${i}`, country: 'PT', city: 'Porto', day: '2026-11-25', hour });
    }
    await events.put({ id: 'other', country: 'PT', city: 'Lisbon', day: '2026-11-25', hour: 5 });
    const found = await events
      .query(
        { index: 'byPlace', key: { country: 'PT', city: 'Porto' } },
        { where: (k) => k.and(k.eq('day', '2026-11-25'), k.gt('hour', 4)) },
      )
      .all();
    expect(found.map((event) => event.hour)).toEqual([5, 9, 14]);
    expect(() => events.query({ index: 'byPlace', key: 'PT' })).toThrow(/partition key of 2 attributes/);
    expect(() =>
      events.query({ index: 'byPlace', key: { country: 'PT', city: 'Porto' } }, { where: (k) => k.gt('hour', 4) }),
    ).toThrow(/hour is conditioned but an earlier sort key attribute is not/);
  });

  it('refuses bad reads before sending anything', () => {
    const sent = executor.calls.length;
    const refuse = (work: () => unknown, rule: string) =>
      expect(work).toThrow(expect.objectContaining({ name: 'ValidationError', model: 'Post', rule }));
    refuse(() => posts().query({ index: 'byStatus', key: 'live' }, { consistent: true }), 'consistent-index');
    refuse(() => posts().query('ana', { index: 'nope' }), 'unknown-index');
    refuse(() => posts().query('ana', { where: (k) => k.eq('state', 'live') }), 'key-condition');
    refuse(
      () => posts().query('ana', { where: (k) => k.or(k.eq('postId', 'a'), k.eq('postId', 'b')) }),
      'key-condition',
    );
    refuse(() => posts().query({ userId: 'ana', postId: 'p1' }), 'key-arity');
    refuse(() => posts().query('', {}), 'empty-key');
    refuse(() => posts().query('ana', { limit: 0 }), 'limit');
    refuse(() => posts().query({ index: 'featured', key: 'yes' }, { projection: ['body'] }), 'projection');
    expect(executor.calls.length).toBe(sent);
  });

  it('refuses tampered, garbage and foreign cursors with a ValidationError, sending nothing', async () => {
    const { cursor } = await posts().query('ana').page({ limit: 3 });
    expect(cursor).toBeDefined();
    const sent = executor.calls.length;
    const tampered = `${(cursor as string).slice(0, 10)}${(cursor as string)[10] === 'A' ? 'B' : 'A'}${(cursor as string).slice(11)}`;
    for (const bad of [tampered, 'garbage', '', 'a.b', `${cursor as string}x`]) {
      await expect(posts().query('ana').page({ cursor: bad })).rejects.toThrow(
        expect.objectContaining({ name: 'ValidationError', rule: 'cursor' }),
      );
    }
    // Another partition, another index, a scan: the cursor belongs to another read.
    await expect(posts().query('bo').page({ cursor })).rejects.toThrow(/belongs to another read/);
    await expect(posts().query({ index: 'byStatus', key: 'ana' }).page({ cursor })).rejects.toThrow(
      /belongs to another read/,
    );
    await expect(posts().scan().page({ cursor })).rejects.toThrow(ValidationError);
    // A cursor made with another secret.
    const other = createConnection({ executor, prefix: connection.prefix, cursorSecret: 'secret' });
    await expect(Post.using(other).query('ana').page({ cursor })).rejects.toThrow(/another cursorSecret/);
    expect(executor.calls.length).toBe(sent);
    // The genuine one resumes after the third item.
    expect((await posts().query('ana').page({ cursor, limit: 1 })).items[0]?.postId).toBe(id(3));
  });

  it('binds a cursor to its where, filter, direction and projection (issue 25 §3), sending nothing on a mismatch', async () => {
    const where = { where: (c: ConditionBuilder<Post>) => c.beginsWith('postId', 'p000') };
    const { cursor } = await posts().query('ana', where).page({ limit: 3 });
    const { cursor: reversed } = await posts().query('ana', { reverse: true }).page({ limit: 3 });
    const sent = executor.calls.length;
    const mismatches = [
      posts()
        .query('ana', { where: (c) => c.beginsWith('postId', 'p001') })
        .page({ cursor }), // another where
      posts().query('ana').page({ cursor }), // no where
      posts()
        .query('ana', { ...where, filter: { state: 'live' } })
        .page({ cursor }), // a filter added
      posts()
        .query('ana', { ...where, reverse: true })
        .page({ cursor }), // the other direction
      posts()
        .query('ana', { ...where, projection: ['body'] })
        .page({ cursor }), // a projection
      posts().query('ana').page({ cursor: reversed }), // a reverse cursor read forward
    ];
    for (const mismatch of mismatches) {
      await expect(mismatch).rejects.toThrow(
        expect.objectContaining({
          name: 'ValidationError',
          rule: 'cursor',
          model: 'Post',
          message: expect.stringMatching(/another where, filter, direction \(reverse\) or projection/),
        }),
      );
    }
    expect(executor.calls.length).toBe(sent);
    // Resumed with its own options, each goes on where it stopped; consistency and page size may differ.
    expect(
      (
        await posts()
          .query('ana', { ...where, consistent: true, pageSize: 5 })
          .page({ cursor, limit: 1 })
      ).items[0]?.postId,
    ).toBe(id(3));
    expect((await posts().query('ana', { reverse: true }).page({ cursor: reversed, limit: 1 })).items[0]?.postId).toBe(
      id(ITEMS - 4),
    );
  });

  it('binds a scan cursor to its filter and projection', async () => {
    const { cursor } = await posts()
      .scan({ filter: { state: 'live' } })
      .page({ limit: 2 });
    await expect(posts().scan().page({ cursor })).rejects.toThrow(expect.objectContaining({ rule: 'cursor' }));
    await expect(
      posts()
        .scan({ filter: { state: 'live' }, projection: ['body'] })
        .page({ cursor }),
    ).rejects.toThrow(expect.objectContaining({ rule: 'cursor' }));
    expect(
      (
        await posts()
          .scan({ filter: { state: 'live' } })
          .page({ cursor, limit: 1 })
      ).items,
    ).toHaveLength(1);
  });
});

describe('scan', () => {
  const total = ITEMS + 1;

  it('reads every item exactly once, also in parallel segments', async () => {
    const plain = await posts().scan().all();
    expect(plain).toHaveLength(total);
    for (const segments of [2, 4, 7]) {
      const found = await posts().scan({ segments }).all();
      const keys = found.map((post) => `${post.userId}/${post.postId}`);
      expect(keys).toHaveLength(total);
      expect(new Set(keys).size).toBe(total);
    }
    let iterated = 0;
    for await (const post of posts().scan({ segments: 3, pageSize: 200 })) {
      expect(post).toBeInstanceOf(Post);
      iterated++;
    }
    expect(iterated).toBe(total);
    expect(
      await posts()
        .scan({ segments: 4, filter: { state: 'live' } })
        .count(),
    ).toBe(ITEMS / 2 + 1);
  });

  it('reads one segment at a time, each resumable from its cursor, together covering the table once', async () => {
    const keys: string[] = [];
    for (let segment = 0; segment < 3; segment++) {
      let cursor: string | undefined;
      do {
        const page = await posts()
          .scan({ segments: 3, segment, projection: ['state'] })
          .page({ cursor, limit: 400 });
        keys.push(...page.items.map((post) => `${post.userId}/${post.postId}`));
        cursor = page.cursor;
      } while (cursor);
    }
    expect(keys).toHaveLength(total);
    expect(new Set(keys).size).toBe(total);
  });

  it('pages a parallel scan with one cursor that covers every segment', async () => {
    const read = posts().scan({ segments: 4 });
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await read.page({ cursor, limit: 700 });
      keys.push(...page.items.map((post) => `${post.userId}/${post.postId}`));
      cursor = page.cursor;
    } while (cursor);
    expect(new Set(keys).size).toBe(total);
    expect(keys).toHaveLength(total);
    await expect(
      posts()
        .scan({ segments: 5 })
        .page({ cursor: (await read.page({ limit: 1 })).cursor }),
    ).rejects.toThrow(/belongs to another read/);
  });

  it("runs a parallel scan under the connection's concurrency bound", async () => {
    let inFlight = 0;
    let most = 0;
    const counting = createConnection({
      prefix: connection.prefix,
      concurrency: 2,
      executor: {
        events: executor.events,
        async send(operation, input, options) {
          most = Math.max(most, ++inFlight);
          try {
            return await executor.send(operation, input, options);
          } finally {
            inFlight--;
          }
        },
      },
    });
    const found = await Post.using(counting).scan({ segments: 8, pageSize: 100 }).all();
    expect(new Set(found.map((post) => `${post.userId}/${post.postId}`)).size).toBe(total);
    expect(most).toBe(2);
  });

  it('limit counts items returned after the filter', async () => {
    const some = await posts()
      .scan({ filter: (c) => c.eq('featured', 'yes'), limit: 7 })
      .all();
    expect(some).toHaveLength(7);
    expect(some.every((post) => post.featured === 'yes')).toBe(true);
  });
});
