import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  invalidateFromStream,
  migrator,
  transact,
  type Connection,
  type GroupedItems,
  type MigrationReport,
} from '@dynamodel/core';
import { Listing, type Order, User, Wallet, marketplace, userPage } from './models';
import { pricesInCents } from './prices';
import { purchase, type ListingKey } from './purchase';

export interface MarketplaceDemoResult {
  /** A listing of the previous release, read before any migration: upgraded as it was read. */
  readonly upgradedOnRead: Listing;
  readonly migration: MigrationReport[];
  /** The bike's item as stored after the migration, in document form. */
  readonly migratedItem: Record<string, unknown> | undefined;
  /** GetItem requests for the two reads of the bike after the migration (the second is a cache hit). */
  readonly requestsForTwoReads: number;
  /** How long our cache served the old price after another service changed it (bounded by the stream). */
  readonly staleForMs: number;
  readonly priceAfterCut: number;
  /** Ana and Ben racing for the bike: one order, one `ListingSoldError`. */
  readonly race: PromiseSettledResult<Order>[];
  /** Sue, with an empty wallet, trying to buy the helmet. */
  readonly refused: unknown;
  readonly samsPage: GroupedItems<typeof userPage.members>;
  readonly activeListings: Listing[];
}

const bike: ListingKey = { sellerId: 'sam', listingId: 'l1' };
const helmet: ListingKey = { sellerId: 'sam', listingId: 'l2' };

/**
 * The marketplace on one table: listings of the previous release upgraded on read and then
 * migrated, users and wallets created together, a cache that another service's write cannot leave
 * stale (the table's stream invalidates it), two buyers racing for one listing, and a user's page
 * read as one collection. `otherService` is a connection to the same database without our cache,
 * as another process would have.
 */
export async function runMarketplaceDemo(
  connection: Connection,
  otherService: Connection,
  log: (line: string) => void,
): Promise<MarketplaceDemoResult> {
  await connection.syncTables([User]); // the shared table, its index and its stream, once
  let invalidation: ReturnType<typeof invalidateFromStream> | undefined;
  try {
    const listings = Listing.using(connection);
    const documents = connection.documentClient(); // lib-dynamodb, through this connection's executor
    const TableName = connection.tableName(Listing.schema());

    // The previous release stored prices in euros, as decimals.
    for (const [sellerId, listingId, title, price] of [
      ['sam', 'l1', 'Road bike', 249.99],
      ['sam', 'l2', 'Helmet', 35.5],
      ['sue', 'l3', 'Tent', 120],
    ] as const) {
      const Item = { pk: `USER#${sellerId}`, sk: `LISTING#${listingId}`, _et: 'Listing', sellerId, listingId, title };
      const index = { gsi1pk: 'LISTINGS#active', gsi1sk: listingId };
      await documents.send(new PutCommand({ TableName, Item: { ...Item, ...index, price, status: 'active' } }));
    }
    const upgradedOnRead = await listings.getOrFail(bike, { consistent: true });
    log(`a listing of the previous release, read: ${upgradedOnRead.priceCents} ${upgradedOnRead.currency} cents`);

    const migration = await migrator(Listing, [pricesInCents], { connection }).apply();
    const stored = await documents.send(new GetCommand({ TableName, Key: { pk: 'USER#sam', sk: 'LISTING#l1' } }));
    const counts = migration.map((report) => `v${report.version}: ${report.counts.migrated} migrated`).join(', ');
    log(`migration ${counts}; stored now: priceCents ${String(stored.Item?.priceCents)}, no price`);

    const users = User.using(connection);
    const wallets = Wallet.using(connection);
    for (const [userId, name, balanceCents] of [
      ['ana', 'Ana', 50_000],
      ['ben', 'Ben', 25_000],
      ['sam', 'Sam', 0],
      ['sue', 'Sue', 0],
    ] as const) {
      await transact([users.createOp({ userId, name }), wallets.createOp({ userId, balanceCents })]);
    }
    log('users and their wallets created together, each pair in one transaction');

    // Reads of a hot listing are served by the cache; count the requests that reach DynamoDB.
    let getItems = 0;
    const stopCounting = connection.events.on('request', (event) => {
      if (event.operation === 'GetItem') getItems++;
    });
    await listings.get(bike);
    await listings.get(bike);
    stopCounting();
    log(`two reads of the bike, ${getItems} request to DynamoDB`);

    // Another service cuts the price; its write never touches our cache, the table's stream does.
    // (Started only now: records of the writes above, arriving late, would drop the bike's entry
    // between the two reads just counted.)
    invalidation = invalidateFromStream({ table: marketplace, connection, idleMs: 20 });
    await invalidation.ready;
    const cut = Date.now();
    await Listing.using(otherService).update(bike, { priceCents: 19_999 });
    let seen = await listings.getOrFail(bike);
    while (seen.priceCents !== 19_999 && Date.now() - cut < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      seen = await listings.getOrFail(bike);
    }
    const staleForMs = Date.now() - cut;
    log(`another service cut the price to ${seen.priceCents}; our cache served the old one for ${staleForMs} ms`);

    const race = await Promise.allSettled([purchase(connection, 'ana', bike), purchase(connection, 'ben', bike)]);
    const winner = race.findIndex((outcome) => outcome.status === 'fulfilled');
    const loser = race.find((outcome) => outcome.status === 'rejected');
    log(
      `ana and ben buy the bike at once: ${['ana', 'ben'][winner] ?? 'nobody'} gets it, ` +
        `the other: ${loser?.status === 'rejected' ? String(loser.reason) : 'no error'}`,
    );
    const refused = await purchase(connection, 'sue', helmet).catch((error: unknown) => error);
    log(`sue tries the helmet: ${String(refused)}`);
    const order = await purchase(connection, 'ben', helmet);
    log(`ben buys the helmet instead: order ${order.orderId.slice(0, 8)}… for ${order.priceCents} cents`);

    const samsPage = await userPage
      .using(connection)
      .query({ userId: 'sam', sellerId: 'sam', buyerId: 'sam' })
      .grouped();
    const [samsWallet] = samsPage.wallets;
    log(
      `sam's page in one query: ${samsPage.users.length} profile, wallet ${samsWallet?.balanceCents ?? 0} cents, ` +
        `listings ${samsPage.listings.map((listing) => `${listing.title} (${listing.status})`).join(', ')}`,
    );
    const activeListings = await listings.query({ index: 'gsi1', key: { status: 'active' } }).all();
    log(`still for sale: ${activeListings.map((listing) => listing.title).join(', ')}`);
    return {
      upgradedOnRead,
      migration,
      migratedItem: stored.Item,
      requestsForTwoReads: getItems,
      staleForMs,
      priceAfterCut: seen.priceCents,
      race,
      refused,
      samsPage,
      activeListings,
    };
  } finally {
    await invalidation?.stop();
  }
}
