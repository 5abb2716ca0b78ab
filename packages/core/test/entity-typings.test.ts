import 'reflect-metadata';
import { Entity } from '../src/metadata/decorators';
import { defineTable } from '../src/single-table/define-table';
import { defineCollection } from '../src/model/collection';
import type { EntityKeys, TemplateProperties } from '../src/model/attributes';
import { Attribute, Keys, Model } from '../src';

// Typed keys of entities (issue 26 §1). Every `@ts-expect-error` below must be an error, or
// `pnpm typecheck` (and ts-jest) fails; the calls never run, so no DynamoDB Local is needed.

const shop = defineTable({ name: 'typings_shop', hash: 'pk', range: 'sk' });

const userKeys = { pk: 'USER#{userId}', sk: 'PROFILE' } as const;

@Entity(shop, { keys: userKeys })
class User extends Model {
  declare [Keys]?: EntityKeys<typeof userKeys>;
  @Attribute() userId!: string;
  @Attribute() name!: string;
}

@Entity(shop, { keys: { pk: 'USER#{userId}', sk: 'ORDER#{placed}#{orderId}' } })
class Order extends Model {
  declare [Keys]?: EntityKeys<{ pk: 'USER#{userId}'; sk: 'ORDER#{placed}#{orderId}' }>;
  @Attribute() userId!: string;
  @Attribute() orderId!: string;
  @Attribute() placed!: Date;
  @Attribute() total!: number;
}

/** Declares nothing: its keys stay loose. */
@Entity(shop, { keys: { pk: 'STORE#{storeId}', sk: 'INFO' } })
class Store extends Model {
  @Attribute() storeId!: string;
}

const compileOnly = (): void => {
  void (async () => {
    await User.get({ userId: 'u1' });
    // @ts-expect-error -- a key is an object of the template properties, never a bare value
    await User.get('u1');
    // @ts-expect-error -- userId is a string
    await User.get({ userId: 1 });
    // @ts-expect-error -- an entity has no (hash, range) form
    await Order.get('u1', 'o1');
    await Order.get({ userId: 'u1', orderId: 'o1', placed: new Date() });
    // @ts-expect-error -- placed is part of the sort template
    await Order.get({ userId: 'u1', orderId: 'o1' });
    await Order.delete({ userId: 'u1', orderId: 'o1', placed: new Date() });
    await Order.update({ userId: 'u1', orderId: 'o1', placed: new Date() }, { total: 3 });

    // A query needs the partition template's properties; the sort template's are optional.
    await Order.query({ userId: 'u1' }).all();
    await Order.query({ userId: 'u1', placed: new Date() }).all();
    // @ts-expect-error -- userId is missing
    await Order.query({ placed: new Date() }).all();
    // @ts-expect-error -- total is in no key template
    await Order.query({ userId: 'u1', total: 3 }).all();

    await Store.get({ storeId: 's1' }); // loose: checked at run time

    const items = defineCollection({ users: User, orders: Order });
    for await (const item of items.query({ userId: 'u1' })) {
      if (item instanceof Order) item.total.toFixed();
      // @ts-expect-error -- not narrowed: a User has no total
      void item.total;
    }
    // @ts-expect-error -- the members' partition is keyed by userId
    items.query({ orderId: 'o1' });
    items.query({ anything: 'goes' }, { index: 'gsi1' }); // index templates: checked at run time
    const grouped = await items.query({ userId: 'u1' }).grouped();
    grouped.orders[0]?.total.toFixed();
    grouped.users[0]?.name.toUpperCase();
    // @ts-expect-error -- no such member
    void grouped.stores;
    await items.query({ userId: 'u1' }, { filter: { orders: (c) => c.gt('total', 1) } }).all();
    // @ts-expect-error -- a User has no total
    await items.query({ userId: 'u1' }, { filter: { users: (c) => c.gt('total', 1) } }).all();
  })();
};

describe('typed entity keys', () => {
  it('compiles (the checks are the @ts-expect-error lines above)', () => {
    expect(typeof compileOnly).toBe('function');
    const properties: TemplateProperties<'ORDER#{placed}#{orderId}#{line:3}'>[] = ['placed', 'orderId', 'line'];
    expect(properties).toHaveLength(3);
  });
});
