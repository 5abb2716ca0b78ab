// The entities of the single-table benchmark (bench/single-table.ts): a customer, their purchases
// and their addresses, all in the customer's partition of one shared table.
import 'reflect-metadata';
import { Attribute, Entity, Keys, Model, defineTable, type EntityKeys } from '@dynamodel/core';

export const shop = defineTable({ name: 'shop', hash: 'pk', range: 'sk' });

@Entity(shop, { keys: { pk: 'CUSTOMER#{customerId}', sk: 'PROFILE' } })
export class Customer extends Model {
  declare [Keys]?: EntityKeys<{ pk: 'CUSTOMER#{customerId}'; sk: 'PROFILE' }>;
  @Attribute() customerId!: string;
  @Attribute() name!: string;
  @Attribute() email!: string;
  @Attribute() joined!: Date;
}

@Entity(shop, { keys: { pk: 'CUSTOMER#{customerId}', sk: 'PURCHASE#{purchaseId}' } })
export class Purchase extends Model {
  declare [Keys]?: EntityKeys<{ pk: 'CUSTOMER#{customerId}'; sk: 'PURCHASE#{purchaseId}' }>;
  @Attribute() customerId!: string;
  @Attribute() purchaseId!: string;
  @Attribute() placed!: Date;
  @Attribute() total!: number;
  @Attribute() status!: string;
}

@Entity(shop, { keys: { pk: 'CUSTOMER#{customerId}', sk: 'ADDRESS#{addressId}' } })
export class Address extends Model {
  declare [Keys]?: EntityKeys<{ pk: 'CUSTOMER#{customerId}'; sk: 'ADDRESS#{addressId}' }>;
  @Attribute() customerId!: string;
  @Attribute() addressId!: string;
  @Attribute() street!: string;
  @Attribute() city!: string;
  @Attribute() postcode!: string;
}
