import { randomUUID } from 'node:crypto';
import { VersionConflictError, transact, type Connection } from '@dynamodel/core';
import { Listing, Order, Wallet } from './models';

/** The listing was sold (or withdrawn) before this purchase could take it. */
export class ListingSoldError extends Error {
  override name = 'ListingSoldError';
  constructor(readonly listingId: string) {
    super(`listing ${listingId} is no longer for sale`);
  }
}

/** The buyer's wallet holds less than the price; nothing was written. */
export class InsufficientFundsError extends Error {
  override name = 'InsufficientFundsError';
  constructor(
    readonly buyerId: string,
    readonly balanceCents: number,
    readonly priceCents: number,
  ) {
    super(`${buyerId} has ${balanceCents} cents, the listing costs ${priceCents}`);
  }
}

export interface ListingKey {
  readonly sellerId: string;
  readonly listingId: string;
}

/**
 * Buys a listing: the buyer pays, the seller is paid, the listing is marked sold and the order is
 * created — all in one transaction, or nothing. Every instance carries the `@Version` it was read
 * at, so a purchase that raced another (the same listing, or a wallet that changed meanwhile) is a
 * `VersionConflictError` with nothing written; it is then read again and tried again, and finds the
 * listing sold if the other purchase took it.
 */
export async function purchase(connection: Connection, buyerId: string, key: ListingKey, attempts = 5): Promise<Order> {
  const listings = Listing.using(connection);
  const wallets = Wallet.using(connection);
  for (let attempt = 1; ; attempt++) {
    const listing = await listings.getOrFail(key, { consistent: true });
    if (listing.status !== 'active') throw new ListingSoldError(listing.listingId);
    const [buyer, seller] = await Promise.all([
      wallets.getOrFail({ userId: buyerId }, { consistent: true }),
      wallets.getOrFail({ userId: listing.sellerId }, { consistent: true }),
    ]);
    if (buyer.balanceCents < listing.priceCents) {
      throw new InsufficientFundsError(buyerId, buyer.balanceCents, listing.priceCents);
    }
    buyer.balanceCents -= listing.priceCents;
    seller.balanceCents += listing.priceCents;
    listing.status = 'sold';
    listing.buyerId = buyerId;
    const order = Order.using(connection).build({
      buyerId,
      orderId: randomUUID(),
      placed: new Date(),
      sellerId: listing.sellerId,
      listingId: listing.listingId,
      priceCents: listing.priceCents,
    });
    try {
      await transact([listing.saveOp(), buyer.saveOp(), seller.saveOp(), Order.using(connection).createOp(order)]);
      return order;
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= attempts) throw error;
    }
  }
}
