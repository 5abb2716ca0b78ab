import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from '../codecs/object-codec';

// Stored items as compact JSON text: a string is an S, true/false a BOOL, null a NULL, an object an
// M, and every other type a two-element array tagged by a number (N and sets keep their exact
// text; binaries are base64). About half the size of DynamoDB's own JSON, which names every type.
// Anything else is refused when read back: a cache entry that does not parse is never decoded.

const N = 0;
const B = 1;
const SS = 2;
const NS = 3;
const BS = 4;
const L = 5;

type Text = string | boolean | null | { [name: string]: Text } | [number, unknown];

/** An item as compact text. */
export function itemToText(item: Item): string {
  return JSON.stringify(mapToText(item));
}

/** An item from `itemToText`'s text; `ItemTextError` for anything it does not write. */
export function itemFromText(text: string): Item {
  const parsed = parseJson(text);
  if (!isPlainObject(parsed)) throw new ItemTextError('an item must be an object');
  return mapFromText(parsed);
}

/** Any value of `valueToText`'s kind inside other JSON (a cached page holds items and a key). */
export function mapToText(item: Item): { [name: string]: Text } {
  const out: { [name: string]: Text } = {};
  for (const name of Object.keys(item)) out[name] = valueToText(item[name] as AttributeValue);
  return out;
}

export function mapFromText(text: Record<string, unknown>): Item {
  const out: Item = {};
  for (const name of Object.keys(text)) out[name] = valueFromText(text[name]);
  return out;
}

/** Cached text that is not what this module writes. */
export class ItemTextError extends Error {
  override readonly name = 'ItemTextError';
}

function valueToText(value: AttributeValue): Text {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return [N, value.N];
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return mapToText(value.M);
  if (value.L !== undefined) return [L, value.L.map(valueToText)];
  if (value.B !== undefined) return [B, Buffer.from(value.B).toString('base64')];
  if (value.SS !== undefined) return [SS, value.SS];
  if (value.NS !== undefined) return [NS, value.NS];
  if (value.BS !== undefined) return [BS, value.BS.map((bytes) => Buffer.from(bytes).toString('base64'))];
  throw new ItemTextError(`an attribute value of no known type (${Object.keys(value).join(', ')})`);
}

function valueFromText(text: unknown): AttributeValue {
  if (typeof text === 'string') return { S: text };
  if (typeof text === 'boolean') return { BOOL: text };
  if (text === null) return { NULL: true };
  if (Array.isArray(text)) {
    const [tag, body] = text as [unknown, unknown];
    if (text.length === 2) {
      if (tag === N && typeof body === 'string') return { N: body };
      if (tag === B && typeof body === 'string') return { B: fromBase64(body) };
      if (tag === L && Array.isArray(body)) return { L: body.map(valueFromText) };
      if (isStrings(body)) {
        if (tag === SS) return { SS: body };
        if (tag === NS) return { NS: body };
        if (tag === BS) return { BS: body.map(fromBase64) };
      }
    }
    throw new ItemTextError(`a tagged value that is not one (${JSON.stringify(text).slice(0, 40)})`);
  }
  if (isPlainObject(text)) return { M: mapFromText(text) };
  throw new ItemTextError(`a value of type ${typeof text}`);
}

/** JSON.parse, its failure as an `ItemTextError` like every other unreadable entry. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ItemTextError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
