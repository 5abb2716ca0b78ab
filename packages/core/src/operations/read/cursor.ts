import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import type { ModelSchema } from '../../schema/compile-model';
import { sameItem, sameValue } from '../same-item';
import { modelValidationError } from '../to-validation-error';
import type { CursorScope, ReadPlan } from './read-plan';

/** Where a read stands: for each segment not finished, the key to start after (`undefined`: from the start). */
export type ReadPosition = readonly SegmentPosition[];

export interface SegmentPosition {
  /** The scan segment; `undefined` for a query or an unsegmented scan. */
  readonly segment: number | undefined;
  readonly startKey: Item | undefined;
}

/** The key the default cursor MAC is made with: cursors are tamper-evident; a `cursorSecret` makes them unforgeable. */
const DEFAULT_SECRET = 'dynamodel-cursor-v1';
const MAC_LENGTH = 22; // base64url characters: 132 bits of HMAC-SHA256

type CompactKey = [name: string, type: 'S' | 'N' | 'B', value: string][];

interface CursorPayload {
  v: 2;
  o: 'Q' | 'S';
  m: string;
  i: string | null;
  p: CompactKey | null;
  t: number | null;
  /** The read's shape (`readShape`): where, filter, direction, projection. */
  q: string;
  s: [segment: number, key: CompactKey | null][];
}

/**
 * An opaque, URL-safe cursor (base64url JSON and an HMAC): the model, operation, index, partition
 * and segmentation it belongs to, and each unfinished segment's start key as stored values.
 */
export function encodeCursor(scope: CursorScope, position: ReadPosition, secret = DEFAULT_SECRET): string {
  const payload: CursorPayload = {
    v: 2,
    o: scope.operation === 'Query' ? 'Q' : 'S',
    m: scope.model,
    i: scope.index ?? null,
    p: scope.partition ? compact(scope.partition) : null,
    t: scope.totalSegments ?? null,
    q: scope.shape,
    s: position.map((entry) => [entry.segment ?? -1, entry.startKey ? compact(entry.startKey) : null]),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(body, secret)}`;
}

/**
 * The position a cursor holds, after checking that Dynamodel made it for this very read (model,
 * operation, index, partition, segments, and its where, filter, direction and projection) and that each start key is made of this read's key
 * attributes, with the types and values their codecs accept. Anything else is a `ValidationError`
 * (rule `cursor`) before a request is sent, never a raw service error.
 */
export function decodeCursor(
  schema: ModelSchema,
  plan: ReadPlan,
  cursor: string,
  secret = DEFAULT_SECRET,
): ReadPosition {
  const invalid = (why: string): never => {
    throw modelValidationError(schema, `invalid cursor: ${why}`, 'cursor');
  };
  if (typeof cursor !== 'string') return invalid('a cursor is a string');
  const [body, tag, extra] = cursor.split('.');
  if (!body || !tag || extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(body)) {
    return invalid('not a cursor Dynamodel made');
  }
  const expected = Buffer.from(mac(body, secret));
  const given = Buffer.from(tag);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return invalid('it was changed, or made with another cursorSecret');
  }
  let payload: CursorPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
  } catch {
    return invalid('not a cursor Dynamodel made');
  }
  const { scope } = plan;
  if (payload.v !== 2) return invalid('it was made by another version of Dynamodel; read again from the start');
  const partition = payload.p ? expand(payload.p, invalid) : undefined;
  if (
    payload.m !== scope.model ||
    payload.o !== (scope.operation === 'Query' ? 'Q' : 'S') ||
    payload.i !== (scope.index ?? null) ||
    payload.t !== (scope.totalSegments ?? null) ||
    (partition === undefined) !== (scope.partition === undefined) ||
    (partition && scope.partition && !sameItem(partition, scope.partition))
  ) {
    return invalid(
      `it belongs to another read (${payload.m} ${payload.o === 'Q' ? 'query' : 'scan'}` +
        `${payload.i ? ` of index "${payload.i}"` : ''}), not this ${scope.operation.toLowerCase()} of ${scope.model}` +
        `${scope.index ? ` on index "${scope.index}"` : ''}`,
    );
  }
  if (payload.q !== scope.shape) {
    return invalid(
      `it belongs to this ${scope.operation.toLowerCase()} with another where, filter, direction (reverse) or ` +
        'projection; resume with the options the cursor was made with',
    );
  }
  const allowed = new Set(plan.segments.map((segment) => segment?.[0] ?? -1));
  const seen = new Set<number>();
  if (!Array.isArray(payload.s) || payload.s.length === 0) return invalid('it holds no position');
  return payload.s.map(([segment, key]) => {
    if (!allowed.has(segment) || seen.has(segment)) return invalid(`segment ${segment} is not part of this read`);
    seen.add(segment);
    const startKey = key === null ? undefined : checkStartKey(schema, plan, expand(key, invalid), invalid);
    return { segment: segment === -1 ? undefined : segment, startKey };
  });
}

function checkStartKey(schema: ModelSchema, plan: ReadPlan, key: Item, invalid: (why: string) => never): Item {
  const names = Object.keys(key);
  if (names.length !== plan.keyNames.length || !plan.keyNames.every((name) => key[name] !== undefined)) {
    return invalid(`its key has attributes ${names.join(', ')}, this read's keys are ${plan.keyNames.join(', ')}`);
  }
  for (const name of names) {
    const field = schema.fields.find((candidate) => candidate.name === name);
    const value = key[name] as AttributeValue;
    if (!field || value[field.codec.storedType as 'S'] === undefined) return invalid(`"${name}" has the wrong type`);
    try {
      field.codec.decode(value); // a value its codec would refuse to read back is not ours
    } catch {
      return invalid(`"${name}" holds a value the model cannot hold`);
    }
  }
  // A query's start key lies in its partition (DynamoDB refuses any other).
  const partition = plan.scope.partition;
  if (partition && !Object.keys(partition).every((name) => sameValue(partition[name], key[name]))) {
    return invalid('its key is outside the partition of this query');
  }
  return key;
}

function compact(item: Item): CompactKey {
  return Object.entries(item).map(([name, value]) => {
    if (value.S !== undefined) return [name, 'S', value.S];
    if (value.N !== undefined) return [name, 'N', value.N];
    if (value.B !== undefined) return [name, 'B', Buffer.from(value.B).toString('base64')];
    throw new TypeError(`key attribute ${name} is not S, N or B`);
  });
}

function expand(key: unknown, invalid: (why: string) => never): Item {
  if (!Array.isArray(key)) return invalid('not a cursor Dynamodel made');
  const item: Item = {};
  for (const entry of key as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 3 || typeof entry[0] !== 'string' || typeof entry[2] !== 'string') {
      return invalid('not a cursor Dynamodel made');
    }
    const [name, type, value] = entry as [string, string, string];
    if (type === 'S') item[name] = { S: value };
    else if (type === 'N') item[name] = { N: value };
    else if (type === 'B') item[name] = { B: Buffer.from(value, 'base64') };
    else return invalid('not a cursor Dynamodel made');
  }
  return item;
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url').slice(0, MAC_LENGTH);
}
