import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isDateCodec } from '../codecs/date-codec';
import type { Item } from '../codecs/object-codec';
import { canonicalNumber } from '../codecs/number-text';
import { sameSet } from '../operations/same-item';
import { flattenStored, matchesFlat, unflattenStored } from './flat-stored';
import type { ModelSchema } from '../schema/compile-model';

type Field = ModelSchema['fields'][number];

/**
 * What a write keeps of each declared field's value, so `save()` can tell what changed since, and
 * how a later write of the same instance tells that nothing did (then it keeps the old values and
 * allocates nothing). Every write of an instance runs `matches`, so each field gets the cheapest
 * form its codec allows:
 *
 * - `value`: a primitive itself (a string, number, bigint, boolean, `null` or `undefined`:
 *   immutable, and already held by the instance); any other object (a user codec's value, a list,
 *   a map, an embedded object, bytes) as its stored form kept flat in one array (`flat-stored.ts`).
 * - `time`: a Date codec's value as its epoch milliseconds (a Date can change in place).
 * - `texts`: a string or number set (SS, NS) as a copy of its stored elements, compared in order
 *   first (two encodings of one unchanged set list it alike) and as a set otherwise.
 *
 * Keeping the encoded item itself made V8 pretenure the codecs' allocations (see `flat-stored.ts`).
 */
interface KeptForm {
  /** Generated code: the kept value of `v`, stored as `e` (an expression over `v` and `e`). */
  readonly keep: string;
  /** Generated code: whether `v`, stored as `e`, is what was kept, `k`. */
  readonly matches: string;
  /** The stored form of a kept value, for `save()` (`undefined`: absent). */
  stored(field: Field, kept: unknown): AttributeValue | undefined;
}

/** A primitive kept as itself (re-encoded by its codec: codecs are deterministic), or an object's stored form kept flat. */
function storedOfValue(field: Field, kept: unknown): AttributeValue | undefined {
  if (kept === undefined) return undefined;
  if (kept === null) return { NULL: true };
  if (Array.isArray(kept)) return unflattenStored(kept);
  return field.codec.encode(kept, 0);
}

const VALUE: KeptForm = {
  keep: 'keptValue(v, e)',
  // A primitive is compared inline (most fields are strings and numbers): no call at all.
  matches: `(v === k || (typeof v === 'object' && v !== null && keptMatches(v, k, e)))`,
  stored: storedOfValue,
};

const TIME: KeptForm = {
  keep: '(v instanceof Date ? v.getTime() : v)',
  matches: '(v instanceof Date ? v.getTime() === k : v === k)',
  stored: (field, kept) => storedOfValue(field, typeof kept === 'number' ? new Date(kept) : kept),
};

function textsForm(setType: 'SS' | 'NS'): KeptForm {
  return {
    keep: `(e === undefined || e.${setType} === undefined ? keptValue(v, e) : e.${setType}.slice())`,
    // An empty set is absent, kept as `undefined`.
    matches: `(Array.isArray(k) ? e !== undefined && ${setType === 'SS' ? 'sameTexts' : 'sameNumbers'}(k, e.${setType}) : k === undefined ? e === undefined : v === k)`,
    stored: (field, kept) =>
      Array.isArray(kept) ? ({ [setType]: kept } as unknown as AttributeValue) : storedOfValue(field, kept),
  };
}
const STRING_SET = textsForm('SS');
const NUMBER_SET = textsForm('NS');

/**
 * A computed attribute (`FieldCodec.compute`: a single-table key, the entity's name) has no property
 * to read: it is kept as the text it was stored as, and compared as stored.
 */
const COMPUTED: KeptForm = {
  keep: '(e === undefined ? undefined : e.S ?? e.N)',
  matches: '(e === undefined ? k === undefined : (e.S ?? e.N) === k)',
  stored: (field, kept) =>
    kept === undefined ? undefined : field.codec.storedType === 'N' ? { N: kept as string } : { S: kept as string },
};

function formOf(field: Field): KeptForm {
  if (field.compute) return COMPUTED;
  if (isDateCodec(field.codec)) return TIME;
  if (field.codec.storedType === 'SS') return STRING_SET;
  if (field.codec.storedType === 'NS') return NUMBER_SET;
  return VALUE;
}

/** What is kept of one value: the primitive, or the stored form of an object, flat (`flat-stored.ts`). */
function keptValue(value: unknown, encoded: AttributeValue | undefined): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return encoded === undefined ? undefined : flattenStored(encoded);
}

/** Whether an object value (stored as `encoded`) is what was kept of it (its stored form, flat). */
function keptMatches(value: object, kept: unknown, encoded: AttributeValue | undefined): boolean {
  if (kept === undefined) return encoded === undefined; // stored as nothing (an empty set), then and now
  return Array.isArray(kept) && encoded !== undefined && matchesFlat(encoded, kept);
}

/** Two string sets' stored elements (`sameSet` of `operations/same-item.ts`: in order first, then as sets). */
const sameTexts = (kept: readonly string[], now: readonly string[] | undefined): boolean =>
  sameSet(kept, now, (text) => text);

/** Two number sets' stored elements, compared as numbers (`1.0` is `1`). */
const sameNumbers = (kept: readonly string[], now: readonly string[] | undefined): boolean =>
  sameSet(kept, now, canonicalNumber);

/** What generated code calls. */
const HELPERS = { keptValue, keptMatches, sameTexts, sameNumbers };

/** Captures and compares the kept values of one model's fields. */
export interface KeptValueFunctions {
  /** The kept values of `instance`, written as `item` (one per declared field). */
  capture(instance: object, item: Item): unknown[];
  /** Whether every declared field of `instance`, written as `item`, holds what `kept` says. */
  matches(instance: object, kept: readonly unknown[], item: Item): boolean;
  /** The kept value of field `index` holding `value` (a value the library assigns once stored). */
  keep(index: number, value: unknown, encoded: AttributeValue | undefined): unknown;
  /** The stored form of field `index`'s kept value (`undefined`: absent). */
  stored(index: number, kept: unknown): AttributeValue | undefined;
}

const keptValueFunctions = new WeakMap<ModelSchema, KeptValueFunctions>();

/**
 * Generated per model like its codec (constant property names, so V8 loads each field through its
 * own inline cache, and each field's comparison gets type feedback of its own). Where code
 * generation is refused, a loop keeps every field in the general form (`VALUE`), which holds for
 * any codec.
 */
export function keptValuesOf(schema: ModelSchema, options: { interpreted?: boolean } = {}): KeptValueFunctions {
  if (options.interpreted) return loopFunctions(schema); // what tests compare the generated code with
  let functions = keptValueFunctions.get(schema);
  if (!functions) {
    functions = generatedFunctions(schema) ?? loopFunctions(schema);
    keptValueFunctions.set(schema, functions);
  }
  return functions;
}

type Keep = (v: unknown, e: AttributeValue | undefined) => unknown;

function generatedFunctions(schema: ModelSchema): KeptValueFunctions | undefined {
  const forms = schema.fields.map(formOf);
  const whole = generated(schema, forms);
  if (!whole) return undefined;
  const keeps = forms.map((form) => compile(`return (v, e) => ${form.keep};`) as Keep);
  return {
    ...whole,
    keep: (index, value, encoded) => (keeps[index] as Keep)(value, encoded),
    stored: (index, kept) => (forms[index] as KeptForm).stored(schema.fields[index] as Field, kept),
  };
}

function loopFunctions(schema: ModelSchema): KeptValueFunctions {
  // A computed attribute is kept as its stored text (see COMPUTED), every other in the general form.
  const storedText = (e: AttributeValue | undefined): string | undefined =>
    e === undefined ? undefined : (e.S ?? e.N);
  const valueOf = (instance: object, field: Field): unknown => (instance as Record<string, unknown>)[field.property];
  const matches = (field: Field, instance: object, e: AttributeValue | undefined, k: unknown): boolean => {
    if (field.compute) return storedText(e) === k;
    const v = valueOf(instance, field);
    return v === k || (typeof v === 'object' && v !== null && keptMatches(v, k, e));
  };
  return {
    capture: (instance, item) =>
      schema.fields.map((field) =>
        field.compute ? storedText(item[field.name]) : keptValue(valueOf(instance, field), item[field.name]),
      ),
    matches: (instance, kept, item) =>
      schema.fields.every((field, i) => matches(field, instance, item[field.name], kept[i])),
    keep: (index, value, encoded) =>
      (schema.fields[index] as Field).compute ? storedText(encoded) : keptValue(value, encoded),
    stored: (index, kept) => {
      const field = schema.fields[index] as Field;
      return field.compute ? COMPUTED.stored(field, kept) : storedOfValue(field, kept);
    },
  };
}

/** `capture` and `matches` as straight-line code over the model's fields. */
function generated(
  schema: ModelSchema,
  forms: readonly KeptForm[],
): Pick<KeptValueFunctions, 'capture' | 'matches'> | undefined {
  const load = (field: Field) => `v = s[${JSON.stringify(field.property)}]; e = item[${JSON.stringify(field.name)}];`;
  const capture = schema.fields.map((field, i) => `${load(field)} const k${i} = ${(forms[i] as KeptForm).keep};`);
  const matches = schema.fields.map(
    (field, i) => `${load(field)} k = kept[${i}]; if (!${(forms[i] as KeptForm).matches}) return false;`,
  );
  return compile(`return {
      capture(s, item) {
        let v, e;
        ${capture.join('\n        ')}
        return [${schema.fields.map((_, i) => `k${i}`).join(', ')}];
      },
      matches(s, kept, item) {
        let v, e, k;
        ${matches.join('\n        ')}
        return true;
      },
    };`) as Pick<KeptValueFunctions, 'capture' | 'matches'> | undefined;
}

/** The value generated source returns, given the helpers; `undefined` where code generation is refused. */
function compile(body: string): unknown {
  let factory: (...args: unknown[]) => unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from our own field list; names are JSON-escaped
    factory = new Function(...Object.keys(HELPERS), `"use strict"; ${body}`) as typeof factory;
  } catch (error) {
    if (error instanceof EvalError) return undefined; // code generation refused (a CSP, an edge runtime)
    throw error;
  }
  return factory(...Object.values(HELPERS));
}
