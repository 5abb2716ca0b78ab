import 'reflect-metadata';
import { ValidationError } from '@dynamodel/executor';
import { compileTemplate, type TemplateField } from '../src/single-table/compile-template';
import { parseTemplate, templateSeparators } from '../src/single-table/key-template';
import { Attribute, HashKey, Model, ModelDefinitionError, Table, compileModel } from '../src';

// Key templates of single-table design (src/single-table/): exact, sortable, and never shared by two items.

enum Tier {
  Gold = 'gold',
  Free = 'free',
}

@Table({ name: 'templates' })
class Order extends Model {
  @HashKey() orderId!: string;
  @Attribute() userId!: string;
  @Attribute() createdAt!: Date;
  @Attribute() points!: number;
  @Attribute() big!: bigint;
  @Attribute({ enum: Tier }) tier!: Tier;
  @Attribute() paid!: boolean;
  @Attribute({ type: Set, of: String }) tags!: Set<string>;
}

const fields: ReadonlyMap<string, TemplateField> = compileModel<Order>(Order).byProperty;
const template = (source: string) => compileTemplate('Order', 'sk', source, fields);
const order = (values: Partial<Order>): Order =>
  Object.assign(new Order(), {
    orderId: 'o1',
    userId: 'u1',
    createdAt: new Date('2026-12-04T10:00:00.000Z'),
    points: 42,
    big: 7n,
    tier: Tier.Gold,
    paid: true,
    ...values,
  });

describe('parsing', () => {
  it('splits literals and placeholders, with widths and escaped braces', () => {
    expect(parseTemplate('USER#{userId}')).toEqual({
      source: 'USER#{userId}',
      literals: ['USER#', ''],
      values: [{ property: 'userId', width: undefined }],
    });
    expect(parseTemplate('{{x}}#{n:8}').literals).toEqual(['{x}#', '']);
    expect(parseTemplate('PROFILE').values).toEqual([]);
  });

  it.each([['USER#{userId'], ['USER#}'], ['{}'], ['{a-b}'], ['{n:0}'], ['{n:x}']])('refuses %s', (source) => {
    expect(() => template(source)).toThrow(ModelDefinitionError);
  });

  it('refuses values not delimited by a separator', () => {
    const found = templateSeparators(parseTemplate('A{userId}B{orderId}'));
    expect('problem' in found && found.problem).toContain('{userId} is followed by "B", not by a separator');
    expect(() => template('{userId}{orderId}')).toThrow(/followed by another placeholder/);
    expect(() => template('{userId}#{orderId}')).not.toThrow();
    expect(() => template('{userId}x')).toThrow(/not by a separator/);
  });
});

describe('binding to the model', () => {
  it('names the model, the key attribute and the missing property', () => {
    expect(() => template('USER#{nope}')).toThrow(
      'Order: key template "USER#{nope}" of sk: names {nope}, which the model does not declare [key-template]',
    );
  });

  it('refuses what cannot be part of a key', () => {
    expect(() => template('T#{tags}')).toThrow(/Set<string>, which cannot be part of a key/);
    expect(() => template('T#{userId:4}')).toThrow(/gives a width, but userId is a string/);
    expect(() => template('T:{createdAt}')).toThrow(/holds ":", a separator of this template/);
  });
});

describe('rendering', () => {
  it('writes each kind of value exactly', () => {
    const sk = template('ORDER#{createdAt}#{orderId}#{points:6}#{big}#{tier}#{paid}');
    expect(sk.render(order({}))).toBe('ORDER#2026-12-04T10:00:00.000Z#o1#000042#7#gold#true');
    expect(sk.properties).toEqual(['createdAt', 'orderId', 'points', 'big', 'tier', 'paid']);
    expect(sk.prefix).toBe('ORDER#');
  });

  it('sorts zero-padded numbers and dates as their values sort', () => {
    const sk = template('S#{points:8}#{createdAt}');
    const keys = [5, 40, 300, 7, 12_345_678].map((points, i) =>
      sk.render(order({ points, createdAt: new Date(Date.UTC(2026, 0, 1) + (10 - i) * 86_400_000) })),
    );
    expect([...keys].sort()).toEqual([keys[0], keys[3], keys[1], keys[2], keys[4]]);
  });

  it('renders the leading placeholders a key input holds, for begins_with', () => {
    const sk = template('ORDER#{userId}#{orderId}');
    expect(sk.renderStart({ userId: 'u1' })).toEqual({ text: 'ORDER#u1#', complete: false });
    expect(sk.renderStart({})).toEqual({ text: 'ORDER#', complete: false });
    expect(sk.renderStart({ userId: 'u1', orderId: 'o1' })).toEqual({ text: 'ORDER#u1#o1', complete: true });
    expect(sk.renderStart({ orderId: 'o1' })).toEqual({ text: 'ORDER#', complete: false });
  });

  it('refuses a value holding a separator: no two items can share a key', () => {
    const sk = template('ORDER#{userId}#{orderId}');
    const error = (() => {
      try {
        sk.render(order({ userId: 'u1#o2', orderId: 'x' }));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ model: 'Order', attribute: 'userId', rule: 'key-separator' });
    // The last value too: 'ORDER#u1#o1#LINE' must not be another entity's key.
    expect(() => sk.render(order({ orderId: 'o1#LINE' }))).toThrow(/holds "#"/);
    // Numbers: a negative or fractional number holds "-" or "." when those are separators.
    expect(() => template('N-{points}').render(order({ points: -1 }))).toThrow(/holds "-"/);
  });

  it('refuses missing values, invalid values and numbers wider than their part', () => {
    const sk = template('S#{points:3}#{createdAt}');
    expect(() => sk.render(order({ points: 1000 }))).toThrow(/wider than the 3 digits its key part has \[key-width\]/);
    expect(() => sk.render(order({ points: -1 }))).toThrow(/takes a non-negative integer \[key-width\]/);
    expect(() => sk.render(order({ points: 1.5 }))).toThrow(/key-width/);
    expect(() => sk.render(order({ createdAt: new Date(Number.NaN) }))).toThrow(/invalid/);
    expect(() => sk.render({ points: 1 })).toThrow(
      'Order.createdAt: is part of a key, so it cannot be undefined [required]',
    );
  });
});
