import {
  Attribute,
  Entity,
  Keys,
  Model,
  Version,
  defineCollection,
  defineTable,
  type EntityKeys,
} from '@dynamodel/core';
import { priceInCents } from './prices';

// One table for the whole marketplace (docs/single-table.md). A user's partition holds their
// profile, wallet, listings and orders, so one query reads a user's page; the overloaded index
// lists the listings by status. The stream feeds the cache invalidator (src/demo.ts).
export const marketplace = defineTable({
  name: 'marketplace',
  hash: 'pk',
  range: 'sk',
  indexes: { gsi1: { hash: 'gsi1pk', range: 'gsi1sk' } },
  stream: 'NEW_AND_OLD_IMAGES',
});

const userKeys = { pk: 'USER#{userId}', sk: 'PROFILE' } as const;

@Entity(marketplace, { keys: userKeys })
export class User extends Model {
  declare [Keys]?: EntityKeys<typeof userKeys>;
  @Attribute() userId!: string;
  @Attribute() name!: string;
}

const walletKeys = { pk: 'USER#{userId}', sk: 'WALLET' } as const;

/** Money in whole cents; `@Version` makes every change of a balance conditional on the one read. */
@Entity(marketplace, { keys: walletKeys })
export class Wallet extends Model {
  declare [Keys]?: EntityKeys<typeof walletKeys>;
  @Attribute() userId!: string;
  @Attribute() balanceCents!: number;
  @Version() version?: number;
}

const listingKeys = { pk: 'USER#{sellerId}', sk: 'LISTING#{listingId}' } as const;

/**
 * A listing, read through the cache (hot listings draw most reads). The previous release stored
 * `price` in euros; items of that version are upgraded as they are read (`upgrades`), and the
 * `pricesInCents` migration (src/prices.ts) rewrites them all.
 */
@Entity(marketplace, {
  keys: listingKeys,
  indexes: { gsi1: { pk: 'LISTINGS#{status}', sk: '{listingId}' } },
  cache: { ttl: '10m' },
  upgrades: { version: 2, steps: { 1: priceInCents } },
})
export class Listing extends Model {
  declare [Keys]?: EntityKeys<typeof listingKeys>;
  @Attribute() sellerId!: string;
  @Attribute() listingId!: string;
  @Attribute() title!: string;
  @Attribute() priceCents!: number;
  @Attribute() currency!: string;
  @Attribute({ type: String }) status!: 'active' | 'sold';
  @Attribute({ optional: true }) buyerId?: string;
  @Version() version?: number;
}

const orderKeys = { pk: 'USER#{buyerId}', sk: 'ORDER#{placed}#{orderId}' } as const;

@Entity(marketplace, { keys: orderKeys })
export class Order extends Model {
  declare [Keys]?: EntityKeys<typeof orderKeys>;
  @Attribute() buyerId!: string;
  @Attribute() orderId!: string;
  @Attribute() placed!: Date;
  @Attribute() sellerId!: string;
  @Attribute() listingId!: string;
  @Attribute() priceCents!: number;
}

/** Everything in a user's partition, read in one query, each item as its own class. */
export const userPage = defineCollection({ users: User, wallets: Wallet, listings: Listing, orders: Order });
