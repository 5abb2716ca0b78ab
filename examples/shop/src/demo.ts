import {
  defineCollection,
  pollStream,
  streamDecoder,
  ValidationError,
  type Connection,
  type GroupedItems,
  type StreamChange,
  type StreamRecord,
} from '@dynamodel/core';
import { CardPayment, Customer, Order, Payment, TransferPayment, shop } from './models';

/** Everything about one customer, read in one query of their partition. */
export const customerView = defineCollection({ customers: Customer, orders: Order, payments: Payment });

export interface ShopDemoResult {
  readonly orders: Order[];
  readonly view: GroupedItems<typeof customerView.members>;
  readonly openOrders: Order[];
  readonly byEmail: Customer | undefined;
  readonly refused: unknown;
  readonly changes: StreamChange<Customer | Order | Payment>[];
}

/**
 * A customer with orders and payments of two kinds in one table: each entity's own query, the
 * customer's whole partition as one collection, the overloaded index, a key value refused, and the
 * writes as they came out of the table's stream.
 */
export async function runShopDemo(connection: Connection, log: (line: string) => void): Promise<ShopDemoResult> {
  await connection.syncTables([Customer]); // the shared table, every index and its stream, once
  const stream = pollStream({ table: shop, connection, idleMs: 20 });
  const records: StreamRecord[] = [];
  const reading = (async () => {
    for await (const batch of stream) records.push(...batch.records);
  })();
  await stream.ready;

  const customers = Customer.using(connection);
  const orders = Order.using(connection);
  const payments = Payment.using(connection);
  await customers.create({ customerId: 'c1', email: 'ana@example.com', name: 'Ana' });
  await orders.create({
    customerId: 'c1',
    orderId: 'o1',
    placed: new Date('2026-12-01T10:00:00Z'),
    status: 'shipped',
    total: 30,
  });
  await orders.create({
    customerId: 'c1',
    orderId: 'o2',
    placed: new Date('2026-12-03T09:30:00Z'),
    status: 'open',
    total: 12.5,
  });
  await payments.put(
    Object.assign(new CardPayment(), { customerId: 'c1', paymentId: 'p1', amount: 30, last4: '4242' }),
  );
  await payments.put(
    Object.assign(new TransferPayment(), {
      customerId: 'c1',
      paymentId: 'p2',
      amount: 12.5,
      iban: 'PT50000201231234567890154',
    }),
  );
  log(`one table: ${connection.tableName(Customer.schema())}`);

  const customerOrders = await orders.query({ customerId: 'c1' }, { reverse: true }).all();
  log(`Order.query: ${customerOrders.map((order) => `${order.orderId} (${order.status})`).join(', ')}, newest first`);

  const view = await customerView.using(connection).query({ customerId: 'c1' }).grouped();
  log(
    `one query, three entities: ${view.customers.length} customer, ${view.orders.length} orders, ` +
      `payments ${view.payments.map((payment) => payment.constructor.name).join(' and ')}`,
  );

  const openOrders = await orders.query({ index: 'gsi1', key: { status: 'open' } }).all();
  log(`open orders through gsi1: ${openOrders.map((order) => order.orderId).join(', ')}`);
  const byEmail = await customers.query({ index: 'gsi1', key: { email: 'ana@example.com' } }).first();
  log(`customer by email through the same index: ${byEmail?.name ?? 'none'}`);

  const refused = await customers
    .create({ customerId: 'c#2', email: 'x@example.com', name: 'X' })
    .catch((error: unknown) => error);
  if (refused instanceof ValidationError) log(`a key value holding a separator is refused: ${refused.message}`);

  // Give the stream a moment to hand over the last records, then decode them.
  const deadline = Date.now() + 5_000;
  while (records.length < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  stream.stop();
  await reading;
  const changes = streamDecoder<Customer | Order | Payment>(shop, { connection }).decode(records);
  log(`the stream: ${changes.map((change) => `${change.kind} ${change.entity ?? '?'}`).join(', ')}`);
  return { orders: customerOrders, view, openOrders, byEmail, refused, changes };
}
