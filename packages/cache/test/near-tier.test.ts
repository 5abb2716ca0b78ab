// The near tier's bookkeeping on its own (no Redis): what it stores, what it refuses, and its bounds.
// Its behaviour against real Redis and Cluster is in near-cache.test.ts.
import { NearTier } from '../src/near/near-tier';

const serving = (options: ConstructorParameters<typeof NearTier>[0] = {}): NearTier => {
  const near = new NearTier(options);
  near.setServing(true);
  return near;
};

const store = (near: NearTier, key: string, value: string, ttlMs = 60_000): void => {
  const ticket = near.begin(key);
  if (!ticket) throw new Error('expected a ticket');
  near.settle(ticket, value, ttlMs);
};

describe('NearTier', () => {
  it('stores what a read brought back, and serves it', () => {
    const near = serving();
    store(near, 'k', 'v');
    expect(near.get('k')).toBe('v');
    expect(near.size).toBe(1);
  });

  it('refuses a read whose key was invalidated while it was in flight (the push overtook the reply)', () => {
    const near = serving();
    const ticket = near.begin('k');
    const other = near.begin('other');
    near.invalidate(['k']);
    near.settle(ticket!, 'old', 60_000);
    near.settle(other!, 'fine', 60_000);
    expect(near.get('k')).toBeUndefined();
    expect(near.get('other')).toBe('fine');
    // The next read of the key is stored again.
    store(near, 'k', 'new');
    expect(near.get('k')).toBe('new');
  });

  it('refuses every read in flight across a flush, and stores nothing while not serving', () => {
    const near = serving();
    const ticket = near.begin('k');
    near.flush();
    near.settle(ticket!, 'old', 60_000);
    expect(near.get('k')).toBeUndefined();
    near.setServing(false);
    expect(near.begin('k')).toBeUndefined();
  });

  it('empties when it stops serving, and refuses what was read before it started again', () => {
    const near = serving();
    store(near, 'a', '1');
    const inFlight = near.begin('b');
    near.setServing(false);
    expect(near.get('a')).toBeUndefined();
    near.setServing(true);
    near.settle(inFlight!, '2', 60_000);
    expect(near.get('b')).toBeUndefined();
  });

  it('drops an invalidated key at once', () => {
    const near = serving();
    store(near, 'a', '1');
    store(near, 'b', '2');
    near.invalidate(['a', 'unknown']);
    expect([near.get('a'), near.get('b')]).toEqual([undefined, '2']);
  });

  it("keeps an entry no longer than Redis's remaining TTL, nor maxTtlMs", async () => {
    const near = serving({ maxTtlMs: 100 });
    store(near, 'short', 'v', 50);
    store(near, 'capped', 'v', 60_000);
    store(near, 'expired', 'v', 0); // PTTL 0 or below: gone or without a TTL; not stored
    store(near, 'no-ttl', 'v', -1);
    expect([near.get('short'), near.get('capped'), near.get('expired'), near.get('no-ttl')]).toEqual([
      'v',
      'v',
      undefined,
      undefined,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect([near.get('short'), near.get('capped')]).toEqual([undefined, 'v']);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(near.get('capped')).toBeUndefined();
  });

  it('holds at most maxEntries, least recently used dropped first', () => {
    const near = serving({ maxEntries: 2 });
    store(near, 'a', '1');
    store(near, 'b', '2');
    near.get('a');
    store(near, 'c', '3');
    expect([near.get('a'), near.get('b'), near.get('c')]).toEqual(['1', undefined, '3']);
  });

  it('holds at most maxBytes of keys and values', () => {
    const near = serving({ maxBytes: 1_000 });
    for (let i = 0; i < 20; i++) store(near, `key${i}`, 'x'.repeat(100));
    expect(near.size).toBeGreaterThan(0);
    expect(near.size).toBeLessThanOrEqual(4); // each counts 2 × (100 + 5) bytes
  });
});
