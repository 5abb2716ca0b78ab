import { attributeValueBound } from '@dynamodel/executor';
import { CodecError } from './codec';
import {
  missingError,
  missingStoredError,
  notNullableError,
  runValidate,
  storesNullAsNull,
  type FieldCodec,
  type Item,
} from './field-codec';
import { NULL_VALUE } from './scalar-codecs';
import { storedTypeError } from './codec';
import { boundExpression, type SizeBound } from './size-bound';

export interface CompiledObjectFunctions {
  encode(source: object, depth: number, size: SizeBound | undefined): Item;
  /** `partial`: the item holds only some attributes (a projection), so a required one may be absent. */
  decode(item: Item, prototype: object | undefined, partial: boolean): object;
}

/**
 * Generates straight-line encode and decode functions for one field list, the way fast JSON
 * serializers do: each field gets its own property access and its own codec call site, so V8 sees
 * monomorphic code it can inline, instead of one loop calling every codec through one call site.
 * Names are embedded with JSON.stringify, never raw. Returns `undefined` where code generation is
 * not allowed (a CSP or an edge runtime); `ObjectCodec` then uses its loop, which behaves the same.
 */
export function compileObjectFunctions(
  prototype: object,
  fields: readonly FieldCodec[],
): CompiledObjectFunctions | undefined {
  const encodeLines: string[] = [];
  const decodeLines: string[] = [];
  fields.forEach((field, i) => {
    const property = JSON.stringify(field.property);
    const name = JSON.stringify(field.name);
    const onAbsent = field.required && !field.codec.whenAbsent ? 'throw missing();' : '';
    const nameBytes = Buffer.byteLength(field.name);
    // Each attribute counts its name and one byte more than a top-level one needs (an embedded
    // object's attributes need it); a codec that `sizes` counts its value while encoding it.
    const onNull = field.nullable
      ? `item[${name}] = NULL; if (size !== undefined) size.bytes += ${nameBytes + 2};`
      : 'throw notNullable();';
    const validate = field.validate ? `validate(f[${i}].validate, v);` : '';
    const encode = field.codec.sizes
      ? [
          `  e = k${i}.encode(v, depth, size); ${validate}`,
          `  if (e !== undefined) { item[${name}] = e; if (size !== undefined) size.bytes += ${nameBytes + 1}; }`,
        ]
      : [
          `  e = k${i}.encode(v, depth); ${validate}`,
          `  if (e !== undefined) { item[${name}] = e; if (size !== undefined) size.bytes += ${nameBytes + 1} + ${boundExpression(field.codec.storedType, 'e')}; }`,
        ];
    const load = field.compute ? `f[${i}].compute(source)` : `source[${property}]`;
    encodeLines.push(
      `at = ${i}; v = ${load};`,
      `if (v === undefined) { ${onAbsent} } else if (v === null) { ${onNull} } else {`,
      ...encode,
      `}`,
    );
    const absent = field.codec.whenAbsent ? `k${i}.whenAbsent()` : 'undefined';
    // A required attribute absent from a whole item is an error, never a typed field holding undefined.
    const onStoredAbsent =
      field.required && !field.codec.whenAbsent
        ? `{ if (!partial) throw missingStored(); t[${property}] = undefined; }`
        : `t[${property}] = ${absent};`;
    const nullCheck = storesNullAsNull(field.codec)
      ? `else if (a.NULL === true) { ${field.nullable ? `t[${property}] = null;` : `throw storedType(k${i}.label, k${i}.storedType, a);`} }`
      : '';
    // A computed attribute is the library's, not the object's: nothing to decode.
    if (field.compute) return;
    decodeLines.push(
      `at = ${i}; a = item[${name}];`,
      `if (a === undefined) ${onStoredAbsent}`,
      `${nullCheck} else t[${property}] = k${i}.decode(a);`,
    );
  });
  const codecs = fields.map((_, i) => `k${i} = f[${i}].codec`).join(', ');
  const source = `
    "use strict";
    ${codecs ? `const ${codecs};` : ''}
    const props = f.map((field) => field.property);
    function encode(source, depth, size) {
      const item = {};
      let at = -1, v, e;
      try {
        ${encodeLines.join('\n        ')}
      } catch (error) { within(error, props[at]); }
      return item;
    }
    function decode(item, p, partial) {
      const t = Object.create(p === undefined ? proto : p);
      let at = -1, a;
      try {
        ${decodeLines.join('\n        ')}
      } catch (error) { within(error, props[at]); }
      return t;
    }
    return { encode, decode };`;
  const helpers = {
    f: fields,
    proto: prototype,
    NULL: NULL_VALUE,
    missing: missingError,
    missingStored: missingStoredError,
    notNullable: notNullableError,
    validate: runValidate,
    storedType: (label: string, type: string, value: unknown) => storedTypeError(label, type, value as never),
    within: (error: unknown, segment: string) => CodecError.within(error, segment),
    bound: attributeValueBound,
  };
  let factory: (...args: unknown[]) => CompiledObjectFunctions;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from our own field list; names are JSON-escaped
    factory = new Function(...Object.keys(helpers), source) as typeof factory;
  } catch (error) {
    // Only a runtime that refuses code generation (a CSP, --disallow-code-generation-from-strings,
    // an edge runtime) throws EvalError here; anything else is a bug in the generated code and must
    // not hide behind the loop.
    if (error instanceof EvalError) return undefined;
    throw error;
  }
  return factory(...Object.values(helpers));
}
