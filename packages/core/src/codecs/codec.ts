import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { SizeBound } from './size-bound';

/** The DynamoDB type a codec stores; `*` when it depends on the value (JSON, user codecs). */
export type StoredType = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'M' | 'L' | 'SS' | 'NS' | 'BS' | '*';

/** DynamoDB allows at most 31 nested maps/lists around a value (docs/reliability.md §1, measured). */
export const MAX_CONTAINER_DEPTH = 31;

/**
 * Turns one JavaScript value into one AttributeValue and back. Codecs are small, stateless and
 * composed per model when the class is compiled (a list codec holds its element codec, an embedded
 * class codec holds its fields' codecs), so encoding an item never looks at decorators or metadata.
 */
export interface Codec<T = unknown> {
  readonly storedType: StoredType;
  /** How the type reads in error messages: `string`, `Set<number>`, `Address`. */
  readonly label: string;
  /**
   * Checks and converts `value`. `depth` counts the maps and lists around it (0 for an attribute's
   * own value). Returns `undefined` for a value DynamoDB cannot store but that means "nothing"
   * (an empty set), so the attribute is left out. Throws `CodecError` for a bad value.
   */
  readonly encode: (value: unknown, depth: number, size?: SizeBound) => AttributeValue | undefined;
  /**
   * `encode` adds to `size` (when given one) an upper bound of the stored value's size, at least
   * what `attributeValueBound` gives: a container counts while it encodes instead of the caller
   * walking the value again. Codecs without it are bounded by the caller.
   */
  readonly sizes?: boolean;
  /** Converts a stored value; throws `CodecError` when it does not fit the type. */
  readonly decode: (value: AttributeValue) => T;
  /** The value an attribute decodes to when it is absent (an empty set, which DynamoDB never stores). */
  readonly whenAbsent?: () => T;
  /**
   * Distinct values (as a JavaScript `Set` tells them apart) always encode to distinct stored values,
   * so a Set of them can hold no duplicates DynamoDB would reject: strings, numbers, bigints, enums.
   * Not so for Dates or byte arrays (two objects, one value), nor for user codecs.
   */
  readonly injective?: boolean;
  /**
   * For containers: the stored name and codec of one nested element (an embedded class's property,
   * a map key, a list index), so an expression can address `address.city` or `tags[2]` and encode
   * its value the way it is stored. `undefined` when there is no such element.
   */
  readonly child?: (segment: string | number) => ChildElement | undefined;
  /** For sets and lists: the codec of one element (what `contains` compares with). */
  readonly element?: Codec;
  /**
   * DynamoDB's arithmetic (`SET n = n + :d`) can only give values this codec reads back: plain
   * numbers and bigints, not enums, dates or user codecs (an increment could leave their domain).
   */
  readonly arithmetic?: boolean;
  /**
   * The value from its JSON form, as `toJSON()` writes it (an ISO string for a Date, a string for a
   * bigint, base64 for bytes, an array for a Set, an object for a Map or an embedded class): what
   * `Model.fromJSON` uses. Absent: the JSON value is the value. Throws `CodecError` (rule `from-json`).
   */
  readonly fromJson?: (value: unknown) => T;
}

/** A JSON value that cannot be read as the codec's type. */
export function fromJsonError(label: string, value: unknown, what: string): CodecError {
  return new CodecError(`expected ${what} for ${label}, got ${describeValue(value)}`, 'from-json', value);
}

/** Each element of a JSON array through `convert`, errors carrying the index. */
export function fromJsonArray<E>(value: readonly unknown[], convert: ((element: unknown) => E) | undefined): E[] {
  return value.map((element, i) => {
    try {
      return convert ? convert(element) : (element as E);
    } catch (error) {
      return CodecError.within(error, String(i));
    }
  });
}

/** One nested element of a container (see `Codec.child`). */
export interface ChildElement {
  readonly name: string | number;
  readonly codec: Codec;
  /** An embedded class's attribute: whether it may be absent or null, and its `validate` function. */
  readonly required?: boolean;
  readonly nullable?: boolean;
  readonly validate?: ((value: never) => boolean | string | void) | undefined;
}

/**
 * A value that breaks a codec's rule. `path` is built as the error travels up through lists, maps
 * and embedded classes (`['tags', '2']`), and the model layer turns it into a `ValidationError`
 * or `DecodeError` naming the model and attribute.
 */
export class CodecError extends Error {
  override name = 'CodecError';
  readonly path: string[] = [];

  constructor(
    message: string,
    readonly rule: string,
    readonly value: unknown,
  ) {
    super(message);
  }

  /** Sets the path (for errors raised outside a codec). */
  withPath(...segments: string[]): this {
    this.path.unshift(...segments);
    return this;
  }

  /** Adds the enclosing list index or map key in front of the path, and rethrows. */
  static within(error: unknown, segment: string): never {
    if (error instanceof CodecError) error.path.unshift(segment);
    throw error;
  }
}

/** `string`, `number NaN`, `Date (invalid)`, `Address`, `null`: the value's type for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : `number ${String(value)}`;
  if (typeof value !== 'object') return typeof value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Date (invalid)' : 'Date';
  if (Array.isArray(value)) return 'Array';
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== 'Object' ? name : 'object';
}

/** The standard "expected X, got Y" error. */
export function typeError(label: string, value: unknown): CodecError {
  return new CodecError(`expected ${label}, got ${describeValue(value)}`, 'type', value);
}

/** The stored type of an AttributeValue (`S`, `M`…), for decode errors. */
export function storedTypeOf(value: AttributeValue): string {
  for (const key in value) if ((value as unknown as Record<string, unknown>)[key] !== undefined) return key;
  return 'nothing';
}

export function storedTypeError(label: string, expected: string, value: AttributeValue): CodecError {
  return new CodecError(
    `stored value is ${storedTypeOf(value)}, but the model declares ${label} (${expected})`,
    'stored-type',
    value,
  );
}
