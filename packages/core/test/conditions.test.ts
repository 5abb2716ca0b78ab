import 'reflect-metadata';
import { Attribute, HashKey, Json, Model, Table, ValidationError, compileModel } from '../src';
import { compileCondition } from '../src/expressions/compile-condition';
import { buildCondition, type ConditionInput } from '../src/expressions/condition';
import { Placeholders } from '../src/expressions/placeholders';

// The condition compiler, without a client (issue 11 §1): every operator, nested paths, one
// placeholder allocator, values through the attributes' codecs, and no term ever dropped.

class Place {
  @Attribute() city!: string;
  @Attribute({ name: 'zip-code', optional: true }) zip?: string;
}

@Table({ name: 'docs' })
class Doc extends Model {
  @HashKey() id!: string;
  @Attribute({ name: 'a.b' }) dotted!: string;
  @Attribute() comment!: string; // a reserved word
  @Attribute({ default: 0 }) likes!: number;
  @Attribute() created!: Date;
  @Attribute({ type: Set, of: String, optional: true }) tags?: Set<string>;
  @Attribute({ type: Array, of: Number, optional: true }) scores?: number[];
  @Attribute({ type: Place, optional: true }) place?: Place;
  @Attribute({ type: Object, of: Number, optional: true }) counts?: Record<string, number>;
  @Attribute({ type: Json, optional: true }) meta?: unknown;
}

const schema = compileModel<Doc>(Doc);
function compile(input: ConditionInput<Doc>) {
  const placeholders = new Placeholders();
  const expression = compileCondition(schema, buildCondition(input), placeholders);
  return { expression, ...placeholders.params() };
}
const refusal = (input: ConditionInput<Doc>): ValidationError => {
  try {
    compile(input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('condition compiler', () => {
  it('compiles every comparison through placeholders, encoding values with the attribute codec', () => {
    const when = new Date('2026-01-02T03:04:05.006Z');
    expect(compile((c) => c.and(c.eq('comment', 'x'), c.ne('likes', 1), c.lt('created', when)))).toEqual({
      expression: '(#n0 = :v0 AND #n1 <> :v1 AND #n2 < :v2)',
      ExpressionAttributeNames: { '#n0': 'comment', '#n1': 'likes', '#n2': 'created' },
      ExpressionAttributeValues: { ':v0': { S: 'x' }, ':v1': { N: '1' }, ':v2': { S: '2026-01-02T03:04:05.006Z' } },
    });
    expect(compile((c) => c.or(c.le('likes', 1), c.gt('likes', 2), c.ge('likes', 3))).expression).toBe(
      '(#n0 <= :v0 OR #n0 > :v1 OR #n0 >= :v2)',
    );
  });

  it('compiles between, in, beginsWith, contains, exists, notExists, attributeType, size and not', () => {
    expect(compile((c) => c.between('likes', 1, 5)).expression).toBe('#n0 BETWEEN :v0 AND :v1');
    expect(compile((c) => c.in('comment', ['a', 'b'])).expression).toBe('#n0 IN (:v0, :v1)');
    expect(compile((c) => c.beginsWith('comment', 'pre'))).toMatchObject({
      expression: 'begins_with(#n0, :v0)',
      ExpressionAttributeValues: { ':v0': { S: 'pre' } },
    });
    // contains on a set compares with one element, encoded like one.
    expect(compile((c) => c.contains('tags', 'red'))).toMatchObject({
      expression: 'contains(#n0, :v0)',
      ExpressionAttributeValues: { ':v0': { S: 'red' } },
    });
    expect(compile((c) => c.contains('scores', 3)).ExpressionAttributeValues).toEqual({ ':v0': { N: '3' } });
    expect(compile((c) => c.exists('place')).expression).toBe('attribute_exists(#n0)');
    expect(compile((c) => c.notExists('place')).expression).toBe('attribute_not_exists(#n0)');
    expect(compile((c) => c.attributeType('meta', 'M'))).toMatchObject({
      expression: 'attribute_type(#n0, :v0)',
      ExpressionAttributeValues: { ':v0': { S: 'M' } },
    });
    expect(compile((c) => c.size('tags').gt(2))).toMatchObject({
      expression: 'size(#n0) > :v0',
      ExpressionAttributeValues: { ':v0': { N: '2' } },
    });
    expect(compile((c) => c.size('comment').between(1, 9)).expression).toBe('size(#n0) BETWEEN :v0 AND :v1');
    expect(compile((c) => c.not(c.exists('place'))).expression).toBe('(NOT attribute_exists(#n0))');
  });

  it('addresses nested paths by their stored names: embedded classes, records, lists, Json', () => {
    expect(compile((c) => c.eq('place.zip', '1234AB'))).toEqual({
      expression: '#n0.#n1 = :v0',
      ExpressionAttributeNames: { '#n0': 'place', '#n1': 'zip-code' },
      ExpressionAttributeValues: { ':v0': { S: '1234AB' } },
    });
    expect(compile((c) => c.gt('counts.visits', 3)).ExpressionAttributeValues).toEqual({ ':v0': { N: '3' } });
    expect(compile((c) => c.eq('scores[2]', 7)).expression).toBe('#n0[2] = :v0');
    expect(compile((c) => c.eq('meta.deep[0].x', 'y')).expression).toBe('#n0.#n1[0].#n2 = :v0');
  });

  it('keeps a stored name with a dot one attribute, never a path', () => {
    expect(compile((c) => c.eq('dotted', 'v'))).toMatchObject({
      expression: '#n0 = :v0',
      ExpressionAttributeNames: { '#n0': 'a.b' },
    });
  });

  it('takes an object as a shorthand for equalities', () => {
    expect(compile({ comment: 'x', likes: 2 }).expression).toBe('(#n0 = :v0 AND #n1 = :v1)');
  });

  it('compares undefined and an empty set as "absent", and refuses them elsewhere', () => {
    expect(compile((c) => c.eq('tags', new Set())).expression).toBe('attribute_not_exists(#n0)');
    expect(compile((c) => c.eq('tags', undefined)).expression).toBe('attribute_not_exists(#n0)');
    expect(compile((c) => c.ne('tags', new Set())).expression).toBe('attribute_exists(#n0)');
    expect(compile({ tags: new Set() }).expression).toBe('attribute_not_exists(#n0)');
    expect(refusal((c) => c.gt('likes', undefined as never)).rule).toBe('condition-value');
    expect(refusal((c) => c.in('comment', [undefined as never])).rule).toBe('condition-value');
  });

  it('refuses unknown attributes, bad nested paths, wrong value types and empty logic, naming the path', () => {
    expect(refusal((c) => c.eq('nope' as never, 1 as never))).toMatchObject({
      model: 'Doc',
      attribute: 'nope',
      rule: 'unknown-attribute',
    });
    expect(refusal((c) => c.eq('comment.inner' as never, 1 as never))).toMatchObject({
      attribute: 'comment.inner',
      rule: 'path',
    });
    expect(refusal((c) => c.eq('place.street' as never, 1 as never)).rule).toBe('path');
    const typed = refusal((c) => c.eq('likes', 'many' as never));
    expect(typed.rule).toBe('type');
    expect(typed.message).toMatch(/^Doc\.likes: expected number, got string/);
    expect(refusal((c) => c.and()).rule).toBe('condition');
    expect(refusal((c) => c.in('comment', [])).rule).toBe('condition');
    expect(refusal((c) => c.beginsWith('comment', '')).rule).toBe('condition');
  });

  it('types paths and values by the model at compile time', () => {
    const check = (): void => {
      // @ts-expect-error: not an attribute
      compile((c) => c.eq('nope', 1));
      // @ts-expect-error: likes is a number
      compile((c) => c.eq('likes', 'x'));
      compile((c) => c.eq('place.city', 'Porto'));
      // @ts-expect-error: Place has no street
      compile((c) => c.eq('place.street', 'x'));
      // @ts-expect-error: a string has no properties
      compile((c) => c.eq('comment.inner', 'x'));
      // @ts-expect-error: a list is indexed, not dotted
      compile((c) => c.eq('scores.x', 1));
      compile((c) => c.eq('scores[3]', 1));
      // Keys of records and Json are data: checked at run time, not by the type checker.
      compile((c) => c.eq('counts.anyKey', 1));
      compile((c) => c.eq('meta.deep[0].x', 'y'));
      compile((u) => u.exists('tags'));
    };
    expect(typeof check).toBe('function');
  });
});
