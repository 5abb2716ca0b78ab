import 'reflect-metadata';
import { createConnection, ValidationError } from '@dynamodel/core';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { runShopDemo } from '../src/demo';
import { CardPayment, Customer, Order, TransferPayment } from '../src/models';

describe('the single-table shop example', () => {
  it('reads each entity, the whole partition as a collection, the overloaded index and the stream', async () => {
    const connection = createConnection({ ...localTestConfig(), prefix: uniqueTablePrefix('shop') });
    const lines: string[] = [];
    try {
      const result = await runShopDemo(connection, (line) => lines.push(line));
      expect(result.orders.map((order) => order.orderId)).toEqual(['o2', 'o1']);
      expect(result.view.customers).toEqual([
        Object.assign(new Customer(), { customerId: 'c1', email: 'ana@example.com', name: 'Ana', version: 1 }),
      ]);
      expect(result.view.orders.every((order) => order instanceof Order)).toBe(true);
      expect(result.view.payments.map((payment) => payment.constructor)).toEqual([CardPayment, TransferPayment]);
      expect((result.view.payments[0] as CardPayment).last4).toBe('4242');
      expect(result.openOrders.map((order) => order.orderId)).toEqual(['o2']);
      expect(result.byEmail?.name).toBe('Ana');
      expect(result.refused).toBeInstanceOf(ValidationError);
      expect((result.refused as ValidationError).message).toMatch(/Customer\.customerId/);
      expect(result.changes.map((change) => `${change.kind} ${change.entity}`)).toEqual([
        'insert Customer',
        'insert Order',
        'insert Order',
        'insert CardPayment',
        'insert TransferPayment',
      ]);
      expect(lines).toHaveLength(7);
    } finally {
      await connection.close();
    }
  });
});
