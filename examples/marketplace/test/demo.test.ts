import 'reflect-metadata';
import { MemoryCache, RedisCache, type Cache } from '@dynamodel/cache';
import { createConnection } from '@dynamodel/core';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startLocalRedis, type LocalRedis } from '@dynamodel/local/redis';
import Redis from 'ioredis';
import { runMarketplaceDemo } from '../src/demo';
import { Listing, Order, User, Wallet } from '../src/models';
import { InsufficientFundsError, ListingSoldError } from '../src/purchase';

// The marketplace example, as `pnpm start` runs it, once with the cache in memory and once in Redis.

const config = localTestConfig();
let redis: LocalRedis;
const clients: Redis[] = [];
beforeAll(async () => {
  redis = await startLocalRedis();
}, 60_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

const stores: [string, () => Cache][] = [
  ['in memory', () => new MemoryCache()],
  [
    'in Redis',
    () => {
      const client = new Redis(redis.port, '127.0.0.1');
      clients.push(client);
      return new RedisCache(client);
    },
  ],
];

describe.each(stores)('the marketplace example, the cache %s', (_name, store) => {
  it('upgrades, migrates, keeps the cache fresh from the stream, sells a listing once, reads a page', async () => {
    const prefix = uniqueTablePrefix('marketplace');
    // Redis's first calls on a loaded machine can pass the 50 ms default, which skips the store.
    const connection = createConnection({ ...config, prefix, cache: store(), cacheTimeoutMs: 2_000 });
    const otherService = createConnection({ ...config, prefix });
    const lines: string[] = [];
    try {
      const result = await runMarketplaceDemo(connection, otherService, (line) => lines.push(line));

      // Upgraded on read, then migrated: cents and currency stored, the euro price gone.
      expect([result.upgradedOnRead.priceCents, result.upgradedOnRead.currency]).toEqual([24_999, 'EUR']);
      expect(result.migration.map((report) => [report.version, report.state, report.counts.migrated])).toEqual([
        [2, 'applied', 3],
      ]);
      expect(result.migratedItem).toMatchObject({ priceCents: 24_999, currency: 'EUR', _v: 2 });
      expect(result.migratedItem).not.toHaveProperty('price');

      // The cache: two reads, one request; another service's write reached us through the stream.
      expect(result.requestsForTwoReads).toBe(1);
      expect(result.priceAfterCut).toBe(19_999);
      expect(result.staleForMs).toBeLessThan(10_000);

      // Exactly one of two racing buyers got the bike; the other was told it is sold.
      const outcomes = result.race.map((outcome) => outcome.status).sort();
      expect(outcomes).toEqual(['fulfilled', 'rejected']);
      const rejected = result.race.find((outcome) => outcome.status === 'rejected');
      expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(ListingSoldError);
      expect(result.refused).toBeInstanceOf(InsufficientFundsError);

      // Sam's page: profile, wallet paid for both sales, both listings sold; only the tent is left.
      expect(result.samsPage.users.map((user) => user.name)).toEqual(['Sam']);
      expect(result.samsPage.wallets.map((wallet) => wallet.balanceCents)).toEqual([19_999 + 3_550]);
      expect(result.samsPage.listings.map((listing) => [listing.title, listing.status])).toEqual([
        ['Road bike', 'sold'],
        ['Helmet', 'sold'],
      ]);
      expect(result.activeListings.map((listing) => listing.title)).toEqual(['Tent']);
      expect(lines).toHaveLength(10);

      // Money is conserved, and every order matches a sold listing.
      const wallets = await Wallet.using(connection).scan({ consistent: true }).all();
      expect(wallets.reduce((sum, wallet) => sum + wallet.balanceCents, 0)).toBe(75_000);
      const orders = await Order.using(connection).scan({ consistent: true }).all();
      const sold = await Listing.using(connection)
        .scan({ consistent: true, filter: { status: 'sold' } })
        .all();
      expect(orders.map((order) => `${order.buyerId} ${order.listingId}`).sort()).toEqual(
        sold.map((listing) => `${listing.buyerId ?? '?'} ${listing.listingId}`).sort(),
      );
      expect(await User.using(connection).scan().count()).toBe(4);
    } finally {
      await otherService.close();
      await connection.close();
    }
  }, 60_000);
});
