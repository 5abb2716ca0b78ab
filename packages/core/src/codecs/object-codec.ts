import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CodecError, MAX_CONTAINER_DEPTH, storedTypeError, typeError, type Codec } from './codec';
import { depthError } from './list-codec';
import { NULL_VALUE } from './scalar-codecs';

export type Item = Record<string, AttributeValue>;

/** One declared attribute, compiled: where it lives on the object, where it is stored, how to convert it. */
export interface FieldCodec {
  readonly property: string;
  /** The stored attribute name. */
  readonly name: string;
  readonly codec: Codec;
  /** Absent (`undefined`) is an error, unless the codec has a value for "absent" (an empty set). */
  readonly required: boolean;
  readonly nullable: boolean;
  readonly validate?: (value: never) => boolean | string | void;
}

/** Attributes a model does not declare, kept as stored (only for `unknownAttributes: 'keep'`). */
export const UNKNOWN_ATTRIBUTES = Symbol('dynamodel.unknownAttributes');

export interface ObjectCodecOptions {
  /** Keep undeclared attributes on decode and write them back unchanged on encode. */
  readonly keepUnknown?: boolean;
}

/**
 * Converts instances of one class to and from AttributeValue maps, from the class's compiled field
 * list: a loop over fields and their codecs, with no reflection per item. Used for a model's items
 * and, wrapped in `embeddedCodec`, for embedded classes.
 */
export class ObjectCodec<T extends object> {
  private readonly byName: ReadonlySet<string>;

  constructor(
    private readonly prototype: object,
    readonly fields: readonly FieldCodec[],
    private readonly options: ObjectCodecOptions = {},
  ) {
    this.byName = new Set(fields.map((field) => field.name));
  }

  /** Throws `CodecError` whose path starts with the property at fault. */
  encode(source: T, depth = 0): Item {
    const item: Item = {};
    const unknown = this.options.keepUnknown
      ? (source as { [UNKNOWN_ATTRIBUTES]?: Item })[UNKNOWN_ATTRIBUTES]
      : undefined;
    if (unknown) Object.assign(item, unknown);
    const fields = this.fields;
    let i = 0;
    try {
      for (; i < fields.length; i++) {
        const field = fields[i] as FieldCodec;
        const value: unknown = (source as Record<string, unknown>)[field.property];
        if (value === undefined) {
          if (field.required && !field.codec.whenAbsent) {
            throw new CodecError('is required but undefined', 'required', value);
          }
          continue;
        }
        if (value === null) {
          if (!field.nullable) {
            throw new CodecError(
              `is null, but the attribute is not nullable (declare it with { nullable: true })`,
              'not-nullable',
              value,
            );
          }
          item[field.name] = NULL_VALUE;
          continue;
        }
        const encoded = field.codec.encode(value, depth);
        if (field.validate) runValidate(field.validate, value);
        if (encoded !== undefined) item[field.name] = encoded;
      }
    } catch (error) {
      CodecError.within(error, (fields[i] as FieldCodec).property);
    }
    return item;
  }

  /** A new instance (its constructor does not run) holding the decoded attributes. */
  decode(item: Item): T {
    const target = Object.create(this.prototype) as Record<string, unknown>;
    const fields = this.fields;
    let i = 0;
    try {
      for (; i < fields.length; i++) {
        const field = fields[i] as FieldCodec;
        const value = item[field.name];
        if (value === undefined) {
          if (field.codec.whenAbsent) target[field.property] = field.codec.whenAbsent();
        } else if (value.NULL === true && field.codec.storedType !== 'NULL' && field.codec.storedType !== '*') {
          if (!field.nullable) throw storedTypeError(field.codec.label, field.codec.storedType, value);
          target[field.property] = null;
        } else {
          target[field.property] = field.codec.decode(value);
        }
      }
    } catch (error) {
      CodecError.within(error, (fields[i] as FieldCodec).property);
    }
    if (this.options.keepUnknown) this.keepUnknown(item, target);
    return target as T;
  }

  private keepUnknown(item: Item, target: object): void {
    const unknown: Item = {};
    let any = false;
    for (const name in item) {
      if (!this.byName.has(name) && item[name] !== undefined) {
        unknown[name] = item[name];
        any = true;
      }
    }
    if (any) Object.defineProperty(target, UNKNOWN_ATTRIBUTES, { value: unknown, enumerable: false, writable: true });
  }
}

function runValidate(validate: (value: never) => boolean | string | void, value: unknown): void {
  let verdict: boolean | string | void;
  try {
    verdict = validate(value as never);
  } catch (error) {
    const wrapped = new CodecError(`failed its validate function: ${(error as Error).message}`, 'validate', value);
    (wrapped as { cause?: unknown }).cause = error;
    throw wrapped;
  }
  if (verdict === false) throw new CodecError('failed its validate function', 'validate', value);
  if (typeof verdict === 'string') throw new CodecError(verdict, 'validate', value);
}

/** An embedded class stored as M, through the class's own object codec (compiled lazily, so a class may contain itself). */
export function embeddedCodec<T extends object>(cls: { name: string }, compile: () => ObjectCodec<T>): Codec<T> {
  let codec: ObjectCodec<T> | undefined;
  const objectCodec = (): ObjectCodec<T> => (codec ??= compile());
  return {
    storedType: 'M',
    label: cls.name,
    encode(value, depth) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw typeError(cls.name, value);
      // A plain object with the right properties is accepted too (`{ street: 'x' }` for an Address).
      if (depth >= MAX_CONTAINER_DEPTH) throw depthError(value);
      return { M: objectCodec().encode(value as T, depth + 1) };
    },
    decode(value) {
      if (value.M === undefined) throw storedTypeError(cls.name, 'M', value);
      return objectCodec().decode(value.M);
    },
  };
}
