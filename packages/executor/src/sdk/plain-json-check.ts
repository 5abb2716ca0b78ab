import { NormalizedSchema } from '@smithy/core/schema';
import type { SchemaRef } from '@smithy/types';

/**
 * Whether a value of one input shape serializes to the same JSON under `JSON.stringify` as under the
 * SDK's schema serializer, member for member (key order aside, which JSON does not give meaning to).
 */
export type PlainJsonCheck = (value: unknown) => boolean;

const ATTRIBUTE_VALUE = 'com.amazonaws.dynamodb#AttributeValue';

/**
 * Compiles the check for an operation's input schema, or returns `undefined` when the shape holds a
 * member that only the SDK serializes correctly: a blob or a timestamp outside an AttributeValue, a
 * document, a big number, an idempotency token (the SDK fills in a missing one), a string with a
 * media type, or a union other than AttributeValue.
 *
 * The check then accepts exactly the values `JSON.stringify` writes as the SDK does: plain objects
 * and arrays, known members only (the SDK drops unknown ones), no `null` (the SDK drops a null
 * member, `JSON.stringify` writes it), finite numbers, and AttributeValues without binary (the SDK
 * base64-encodes `B` and `BS`).
 * Everything else goes through the SDK's serializer; it is never changed to pass.
 */
export function compilePlainJsonCheck(schema: SchemaRef): PlainJsonCheck | undefined {
  return compile(NormalizedSchema.of(schema), 0);
}

/** DynamoDB's input shapes are shallow; AttributeValue, the one recursive shape, is checked apart. */
const MAX_DEPTH = 16;

function compile(ns: NormalizedSchema, depth: number): PlainJsonCheck | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (ns.getName(true) === ATTRIBUTE_VALUE) return isPlainAttributeValue;
  if (ns.isIdempotencyToken() || ns.getMergedTraits().mediaType !== undefined) return undefined;
  if (ns.isBigIntegerSchema() || ns.isBigDecimalSchema()) return undefined;
  if (ns.isStringSchema()) return isString;
  if (ns.isBooleanSchema()) return isBoolean;
  if (ns.isNumericSchema()) return isFiniteNumber;
  if (ns.isListSchema()) {
    const element = compile(ns.getValueSchema(), depth + 1);
    return element && ((value) => Array.isArray(value) && value.every((entry) => entry != null && element(entry)));
  }
  if (ns.isMapSchema()) {
    const entry = compile(ns.getValueSchema(), depth + 1);
    return entry && ((value) => isRecord(value) && everyValue(value, entry));
  }
  if (ns.isStructSchema() && !ns.isUnionSchema()) return compileStruct(ns, depth);
  return undefined;
}

function compileStruct(ns: NormalizedSchema, depth: number): PlainJsonCheck | undefined {
  const members = new Map<string, PlainJsonCheck>();
  for (const [name, member] of ns.structIterator()) {
    const check = compile(member, depth + 1);
    if (!check) return undefined;
    members.set(name, check);
  }
  return (value) => {
    if (!isRecord(value)) return false;
    for (const name in value) {
      const member = value[name];
      // Both serializers leave an undefined member out.
      if (member === undefined) continue;
      const check = members.get(name);
      if (check === undefined || member === null || !check(member)) return false;
    }
    return true;
  };
}

function isPlainAttributeValue(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const type in value) {
    const member = value[type];
    if (member === undefined) continue;
    switch (type) {
      case 'S':
      case 'N':
        if (typeof member !== 'string') return false;
        break;
      case 'BOOL':
      case 'NULL':
        if (typeof member !== 'boolean') return false;
        break;
      case 'SS':
      case 'NS':
        if (!Array.isArray(member) || !member.every(isString)) return false;
        break;
      case 'L':
        if (!Array.isArray(member) || !member.every(isPlainAttributeValue)) return false;
        break;
      case 'M':
        if (!isRecord(member) || !everyValue(member, isPlainAttributeValue)) return false;
        break;
      default:
        // B and BS (base64-encoded by the SDK), and any member DynamoDB does not define.
        return false;
    }
  }
  return true;
}

function everyValue(record: Record<string, unknown>, check: PlainJsonCheck): boolean {
  for (const key in record) {
    const value = record[key];
    if (value == null || !check(value)) return false;
  }
  return true;
}

/**
 * A plain object: `JSON.stringify` writes any other (a `Date`, a typed array, an object with
 * `toJSON`) its own way, where the SDK reads only the shape's members.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isString(value: unknown): boolean {
  return typeof value === 'string';
}

function isBoolean(value: unknown): boolean {
  return typeof value === 'boolean';
}

function isFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}
