import { defineMigration } from '@dynamodel/core';

// Listings of version 1 (the previous release) hold `price` in euros as a decimal number; version 2
// holds whole cents and the currency, so sums never meet floating-point rounding. The same step
// upgrades an old item as it is read (src/models.ts) and rewrites every item in the migration.

type StoredItem = Record<string, unknown>;

export function priceInCents(item: StoredItem): StoredItem {
  const { price, ...rest } = item;
  if (typeof price !== 'number') throw new Error(`a version 1 listing has no price: ${JSON.stringify(rest)}`);
  return { ...rest, priceCents: Math.round(price * 100), currency: 'EUR' };
}

export function priceInEuros(item: StoredItem): StoredItem {
  const { priceCents, currency, ...rest } = item;
  void currency; // version 1 knew euros only
  return { ...rest, price: Number(priceCents) / 100 };
}

export const pricesInCents = defineMigration({
  version: 2,
  description: 'listing prices in whole cents, with the currency',
  up: priceInCents,
  down: priceInEuros,
});
