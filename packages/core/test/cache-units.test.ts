import 'reflect-metadata';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MemoryCache, type Cache } from '@dynamodel/cache';
import { DynamodelError, HashKey, Model, Table, compileModel, createConnection, type ModelCacheOptions } from '../src';
import { Deadlines } from '../src/cache/deadlines';
import { GuardedCache } from '../src/cache/guarded-cache';
import { ModelCache } from '../src/cache/model-cache';
import { PARSED_TEXTS_MAX_ENTRIES, PARSED_TEXTS_MAX_TEXT, ParsedTexts } from '../src/cache/parsed-texts';
import { ItemTextError, itemFromText, itemToText } from '../src/cache/item-text';
import { definitionError } from './support/definition-error';

// Issue 13: what the cache stores (compact item text, read back exactly or refused) and how
// `@Table({ cache })` is checked. No client, no store.

describe('item text', () => {
  const item: Record<string, AttributeValue> = {
    s: { S: 'text with "quotes", \\ and unicode ✓' },
    empty: { S: '' },
    n: { N: '12345678901234567890.123456789' },
    b: { B: new Uint8Array([0, 1, 254, 255]) },
    yes: { BOOL: true },
    no: { BOOL: false },
    nil: { NULL: true },
    ss: { SS: ['a', 'b'] },
    ns: { NS: ['1', '2.5'] },
    bs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
    l: { L: [{ S: 'x' }, { N: '1' }, { L: [] }, { M: {} }] },
    m: { M: { nested: { M: { deep: { SS: ['z'] } } }, 'a.b': { S: 'dotted' } } },
  };

  it('reads back exactly what was written, every type included', () => {
    expect(itemFromText(itemToText(item))).toEqual(item);
  });

  it('is smaller than DynamoDB JSON', () => {
    expect(itemToText(item).length).toBeLessThan(JSON.stringify(item).length * 0.75);
  });

  it.each([
    ['not JSON', '{"s":'],
    ['not an object', '["N","1"]'],
    ['an unknown tag', '{"a":[9,"x"]}'],
    ['a tag with the wrong body', '{"a":[0,1]}'],
    ['a number where values are tagged', '{"a":1}'],
    ['a set of non-strings', '{"a":[2,[1]]}'],
  ])('refuses %s', (_what, text) => {
    expect(() => itemFromText(text)).toThrow(ItemTextError);
  });
});

describe('parsed texts (a hot entry parsed once per connection)', () => {
  const text = itemToText({ id: { S: 'a' }, list: { L: [{ M: { n: { N: '1' } } }] }, b: { B: new Uint8Array([1]) } });

  it('hands back the same item for the same text, frozen all the way down but for bytes', () => {
    const parsed = new ParsedTexts();
    const item = parsed.item(text);
    expect(parsed.item(String([text]))).toBe(item); // equal text, another string
    expect(item).toEqual(itemFromText(text));
    expect(Object.isFrozen(item)).toBe(true);
    expect(Object.isFrozen(item.list?.L)).toBe(true);
    expect(Object.isFrozen(item.list?.L?.[0]?.M?.n)).toBe(true);
    expect(() => (item.list?.L as AttributeValue[]).push({ S: 'x' })).toThrow(/not extensible/);
    expect(item.b?.B).toEqual(new Uint8Array([1]));
  });

  it('keeps nothing for a text that is not an item', () => {
    const parsed = new ParsedTexts();
    expect(() => parsed.item('{"a":1}')).toThrow(ItemTextError);
    expect(parsed.size).toBe(0);
  });

  it(`keeps at most ${PARSED_TEXTS_MAX_ENTRIES.toLocaleString('en')} items, of at most ${PARSED_TEXTS_MAX_TEXT} characters of text`, () => {
    const parsed = new ParsedTexts();
    for (let i = 0; i < PARSED_TEXTS_MAX_ENTRIES + 10; i++) parsed.item(itemToText({ id: { S: `item-${i}` } }));
    expect(parsed.size).toBe(PARSED_TEXTS_MAX_ENTRIES);

    const bytes = new ParsedTexts();
    const quarter = (i: number): string =>
      itemToText({ id: { S: String(i) }, body: { S: 'x'.repeat(PARSED_TEXTS_MAX_TEXT / 4) } });
    for (let i = 0; i < 5; i++) bytes.item(quarter(i));
    expect(bytes.size).toBe(3); // four texts of a quarter and a little more do not fit
    // A text larger than the whole budget is parsed, and not kept.
    const huge = itemToText({ id: { S: 'huge' }, body: { S: 'x'.repeat(PARSED_TEXTS_MAX_TEXT) } });
    expect(bytes.item(huge).body?.S).toHaveLength(PARSED_TEXTS_MAX_TEXT);
    expect(bytes.size).toBe(3);
  });
});

describe('the store guard', () => {
  const slowStore = (outcome: 'resolves' | 'rejects', afterMs: number): Cache => ({
    lookup: () =>
      new Promise((resolve, reject) =>
        setTimeout(
          () => (outcome === 'resolves' ? resolve([{ hit: true, value: '{}' }]) : reject(new Error('late failure'))),
          afterMs,
        ),
      ),
    fill: () => Promise.resolve(true),
    invalidate: () => Promise.resolve(),
  });
  const ref = { table: 't', scope: 's', entry: 'e' };

  it.each(['resolves', 'rejects'] as const)(
    'answers undefined at the deadline and reports it once, whatever the late call then %s',
    async (outcome) => {
      const guard = new GuardedCache(slowStore(outcome, 60), { timeoutMs: 10, restMs: 1_000 });
      const reasons: string[] = [];
      await expect(guard.lookup([ref], (reason) => reasons.push(reason))).resolves.toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 80)); // the late outcome arrives
      expect(reasons).toEqual([expect.stringMatching(/cache lookup failed: the store took over 10 ms/)]);
    },
  );

  it('answers undefined for a store call that fails in time, and reports why', async () => {
    const guard = new GuardedCache(slowStore('rejects', 1), { timeoutMs: 1_000, restMs: 1_000 });
    const reasons: string[] = [];
    await expect(guard.lookup([ref], (reason) => reasons.push(reason))).resolves.toBeUndefined();
    expect(reasons).toEqual(['cache lookup failed: late failure']);
    // Resting: the next lookup does not call the store.
    await expect(guard.lookup([ref], (reason) => reasons.push(reason))).resolves.toBeUndefined();
    expect(reasons[1]).toMatch(/failed recently; skipping it until/);
  });

  it("hands a store call's answer through", async () => {
    const guard = new GuardedCache(slowStore('resolves', 1), { timeoutMs: 1_000, restMs: 1_000 });
    await expect(guard.lookup([ref], () => undefined)).resolves.toEqual([{ hit: true, value: '{}' }]);
  });
});

describe('which cached texts are kept parsed', () => {
  @Table({ name: 'parsed', cache: { ttl: '1h' } })
  class Parsed extends Model {
    @HashKey() id!: string;
  }
  const text = itemToText({ id: { S: 'a' } });
  const ref = { table: 'parsed', scope: 'pa', entry: 'a' };
  const modelCache = (store: Cache) => {
    const guard = new GuardedCache(store, { timeoutMs: 1_000, restMs: 1_000 });
    const schema = compileModel(Parsed);
    return {
      guard,
      cache: new ModelCache(
        guard,
        schema,
        'parsed',
        schema.cache,
        () => undefined,
        () => 'parsed',
      ),
    };
  };
  /** A store across the network: every hit's text is a new string. */
  const remote = (tier?: 'near'): Cache => ({
    lookup: (refs) =>
      Promise.resolve(refs.map(() => ({ hit: true, value: String([text]), ...(tier ? { tier } : {}) }))),
    fill: () => Promise.resolve(true),
    invalidate: () => Promise.resolve(),
  });
  const noLoad = () => Promise.reject(new Error('a hit loads nothing'));

  it('parses a text that came over the network each time, and keeps none of them', async () => {
    const { guard, cache } = modelCache(remote());
    const read = await cache.read(ref, noLoad);
    expect(read).toEqual({ text, cached: true, held: false });
    expect(cache.parseItem(read.text as string, read.held === true)).toEqual({ id: { S: 'a' } });
    expect(guard.parsed.size).toBe(0);
    const [looked] = await cache.lookupItems([{ id: { S: 'a' } }]);
    expect(looked).toEqual({ hit: text, held: false });
  });

  it("keeps the texts a store holds in this process parsed: the near tier's, an in-process store's", async () => {
    const near = modelCache(remote('near'));
    await expect(near.cache.read(ref, noLoad)).resolves.toMatchObject({ held: true });
    await expect(near.cache.lookupItems([{ id: { S: 'a' } }])).resolves.toEqual([{ hit: text, held: true }]);

    const memory = new MemoryCache();
    const held = modelCache(memory);
    await memory.fill(ref, ((await memory.lookup([ref]))[0] as { token: string }).token, text, { ttlMs: 60_000 });
    await expect(held.cache.read(ref, noLoad)).resolves.toMatchObject({ text, held: true });
    const item = held.cache.parseItem(text, true);
    expect(held.cache.parseItem(text, true)).toBe(item);
    expect(held.guard.parsed.size).toBe(1);
  });
});

describe('@Table({ cache })', () => {
  const cachedModel = (cache: ModelCacheOptions) => {
    @Table({ name: 'cached', cache })
    class Cached extends Model {
      @HashKey() id!: string;
    }
    return Cached;
  };

  it('compiles durations to milliseconds, with defaults', () => {
    expect(compileModel(cachedModel({ ttl: '1h' })).cache).toEqual({
      ttlMs: 3_600_000,
      negativeTtlMs: undefined,
      queries: false,
      indexSettleMs: 1_000,
    });
    expect(
      compileModel(cachedModel({ ttl: 90, negativeTtl: '500ms', queries: true, indexSettle: '0s' })).cache,
    ).toEqual({ ttlMs: 90_000, negativeTtlMs: 500, queries: true, indexSettleMs: 0 });
    expect(compileModel(cachedModel({ ttl: '1.5d' })).cache?.ttlMs).toBe(129_600_000);
  });

  it('is off without the option', () => {
    @Table({ name: 'plain' })
    class Plain extends Model {
      @HashKey() id!: string;
    }
    expect(compileModel(Plain).cache).toBeUndefined();
  });

  it.each<[string, ModelCacheOptions, RegExp]>([
    ['no ttl', {} as ModelCacheOptions, /needs a ttl/],
    ['a zero ttl', { ttl: 0 }, /ttl.*more than zero/],
    ['a negative ttl', { ttl: -5 }, /more than zero/],
    ['a ttl without a unit it knows', { ttl: '10 minutes' as ModelCacheOptions['ttl'] }, /"10 minutes"/],
    ['a bad negativeTtl', { ttl: '1h', negativeTtl: 'soon' as ModelCacheOptions['ttl'] }, /negativeTtl/],
    ['a misspelt option', { ttl: '1h', query: true } as unknown as ModelCacheOptions, /no option "query"/],
    ['queries not a boolean', { ttl: '1h', queries: 'yes' } as unknown as ModelCacheOptions, /queries/],
  ])('refuses %s, naming the model', (_what, options, message) => {
    const error = definitionError(cachedModel(options));
    expect(error.message).toMatch(message);
    expect(error).toMatchObject({ model: 'Cached', rule: 'cache' });
  });
});

describe('connect({ cache })', () => {
  it('refuses what is not a store, such as a Redis client passed as it is', () => {
    const client = { get: () => undefined, set: () => undefined } as unknown as Cache;
    expect(() => createConnection({ cache: client })).toThrow(DynamodelError);
    expect(() => createConnection({ cache: client })).toThrow(/a Redis client goes inside RedisCache/);
  });

  it('refuses a cache timeout that is not a positive number', () => {
    for (const timeout of [0, -1, Number.NaN, Infinity]) {
      expect(() => createConnection({ cache: new MemoryCache(), cacheTimeoutMs: timeout })).toThrow(
        /cacheTimeoutMs must be a positive number/,
      );
    }
  });
});

describe('store call deadlines (one timer for every call of a connection)', () => {
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('expires calls in the order they began, and never one that settled', async () => {
    const deadlines = new Deadlines(20);
    const expired: string[] = [];
    deadlines.start(() => expired.push('a'));
    const settled = deadlines.start(() => expired.push('b'));
    await sleep(5);
    deadlines.start(() => expired.push('c'));
    settled.settle();
    await sleep(200);
    expect(expired).toEqual(['a', 'c']);
  });

  it('lets the event loop read its sockets once before a deadline counts (a busy stretch is not a slow store)', async () => {
    const deadlines = new Deadlines(5);
    let answered = false;
    let expiredBeforeAnswer = false;
    deadlines.start(() => (expiredBeforeAnswer = !answered));
    // An answer that is ready in time but whose callback runs in the I/O phase after the timer.
    const busyUntil = Date.now() + 20;
    setImmediate(() => (answered = true));
    while (Date.now() < busyUntil) {
      // synchronous work past the deadline
    }
    await sleep(10);
    expect(answered).toBe(true);
    expect(expiredBeforeAnswer).toBe(false);
  });

  it('keeps working across thousands of calls, most settled early', async () => {
    const deadlines = new Deadlines(10);
    let expired = 0;
    for (let i = 0; i < 5_000; i++) {
      const deadline = deadlines.start(() => expired++);
      if (i % 100 !== 0) deadline.settle();
    }
    await sleep(40);
    expect(expired).toBe(50);
    deadlines.start(() => expired++);
    await sleep(30);
    expect(expired).toBe(51);
  });
});
