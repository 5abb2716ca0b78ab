import { Attribute, Entity, Keys, Model, Version, defineTable, type EntityKeys } from '@dynamodel/core';

// One table for the whole shop (docs/single-table.md): customers, their orders and their payments
// share a partition per customer; an overloaded index finds customers by email and orders by status.
export const shop = defineTable({
  name: 'shop',
  hash: 'pk',
  range: 'sk',
  indexes: { gsi1: { hash: 'gsi1pk', range: 'gsi1sk' } },
  stream: 'NEW_AND_OLD_IMAGES',
});

const customerKeys = { pk: 'CUSTOMER#{customerId}', sk: 'PROFILE' } as const;

@Entity(shop, { keys: customerKeys, indexes: { gsi1: { pk: 'EMAIL#{email}', sk: 'CUSTOMER' } } })
export class Customer extends Model {
  declare [Keys]?: EntityKeys<typeof customerKeys>;
  @Attribute() customerId!: string;
  @Attribute() email!: string;
  @Attribute() name!: string;
  @Version() version?: number;
}

const orderKeys = { pk: 'CUSTOMER#{customerId}', sk: 'ORDER#{placed}#{orderId}' } as const;

@Entity(shop, { keys: orderKeys, indexes: { gsi1: { pk: 'STATUS#{status}', sk: '{placed}#{orderId}' } } })
export class Order extends Model {
  declare [Keys]?: EntityKeys<typeof orderKeys>;
  @Attribute() customerId!: string;
  @Attribute() orderId!: string;
  @Attribute() placed!: Date;
  @Attribute({ type: String }) status!: 'open' | 'shipped';
  @Attribute() total!: number;
}

const paymentKeys = { pk: 'CUSTOMER#{customerId}', sk: 'PAYMENT#{paymentId}' } as const;

/** A payment of some kind: read through `Payment`, each comes back as its own class. */
@Entity(shop, { keys: paymentKeys })
export class Payment extends Model {
  declare [Keys]?: EntityKeys<typeof paymentKeys>;
  @Attribute() customerId!: string;
  @Attribute() paymentId!: string;
  @Attribute() amount!: number;
}

@Entity(shop, { name: 'CardPayment' })
export class CardPayment extends Payment {
  @Attribute() last4!: string;
}

@Entity(shop, { name: 'TransferPayment' })
export class TransferPayment extends Payment {
  @Attribute() iban!: string;
}
