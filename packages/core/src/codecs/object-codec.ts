import { attributeValueBound } from '@dynamodel/executor';
import { CodecError, MAX_CONTAINER_DEPTH, describeValue, storedTypeError, typeError, type Codec } from './codec';
import { depthError } from './list-codec';
import { compileObjectFunctions, type CompiledObjectFunctions } from './object-codec-compiler';
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
import { setOwn } from './own-property';
import { CONTAINER_BYTES, encodeCounted, type SizeBound } from './size-bound';

export type { FieldCodec, Item } from './field-codec';

/** Attributes a model does not declare, kept as stored (only for `unknownAttributes: 'keep'`). */
export const UNKNOWN_ATTRIBUTES = Symbol('dynamodel.unknownAttributes');

export interface ObjectCodecOptions {
  /** Keep undeclared attributes on decode and write them back unchanged on encode. */
  readonly keepUnknown?: boolean;
  /** Use the loop instead of generated code (tests compare the two). */
  readonly interpreted?: boolean;
}

/**
 * Converts instances of one class to and from AttributeValue maps, from the class's compiled field
 * list: through functions generated for that list, or the equivalent loop, never reflection per item. Used for a model's items
 * and, wrapped in `embeddedCodec`, for embedded classes.
 */
export class ObjectCodec<T extends object> {
  private readonly byName: ReadonlySet<string>;
  private readonly compiled: CompiledObjectFunctions | undefined;
  /** How this codec runs: generated straight-line code, or the loop (code generation refused or not asked for). */
  readonly mode: 'generated' | 'interpreted';

  constructor(
    private readonly prototype: object,
    readonly fields: readonly FieldCodec[],
    private readonly options: ObjectCodecOptions = {},
  ) {
    this.byName = new Set(fields.map((field) => field.name));
    this.compiled = options.interpreted ? undefined : compileObjectFunctions(prototype, fields);
    this.mode = this.compiled ? 'generated' : 'interpreted';
  }

  /** The prototype decoded instances get. */
  prototypeOf(): object {
    return this.prototype;
  }

  /**
   * Throws `CodecError` whose path starts with the property at fault. With `size`, adds an upper
   * bound of the item's size to `size.bytes` in the same pass (see `size-bound.ts`).
   */
  encode(source: T, depth = 0, size?: SizeBound): Item {
    const unknown = this.options.keepUnknown
      ? (source as { [UNKNOWN_ATTRIBUTES]?: Item })[UNKNOWN_ATTRIBUTES]
      : undefined;
    const item = this.compiled ? this.compiled.encode(source, depth, size) : this.interpretEncode(source, depth, size);
    if (!unknown) return item;
    if (size) size.bytes += attributeValueBound({ M: unknown }) - 3;
    // Declared attributes win over kept unknown ones of the same name (there are none by construction).
    return { ...unknown, ...item };
  }

  /**
   * A new instance (its constructor does not run) holding the decoded attributes. `prototype`
   * (default: the class's) lets a repository hand out instances that inherit its connection. A
   * required attribute the item lacks is a `CodecError` (rule `missing`), unless `partial` (the
   * item holds only what a projection asked for).
   */
  decode(item: Item, prototype?: object, partial = false): T {
    const target = this.compiled
      ? (this.compiled.decode(item, prototype, partial) as T)
      : this.interpretDecode(item, prototype ?? this.prototype, partial);
    if (this.options.keepUnknown) this.keepUnknown(item, target);
    return target;
  }

  /**
   * An instance (its constructor does not run) from the object `toJSON()` made of one: each declared
   * property through its codec's `fromJson`. A property the class does not declare is refused
   * (rule `unknown-property`) unless `keepUnknown` (the model decides for its own top level).
   */
  fromJson(json: unknown, options: { readonly keepUnknown?: boolean } = {}): Record<string, unknown> {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new CodecError(`expected an object, got ${describeValue(json)}`, 'from-json', json);
    }
    const source = json as Record<string, unknown>;
    const target: Record<string, unknown> = {};
    const declared = new Set<string>();
    for (const field of this.fields) {
      declared.add(field.property);
      if (!Object.prototype.hasOwnProperty.call(source, field.property)) continue;
      const value = source[field.property];
      try {
        const converted =
          value === null || value === undefined || !field.codec.fromJson ? value : field.codec.fromJson(value);
        setOwn(target, field.property, converted);
      } catch (error) {
        CodecError.within(error, field.property);
      }
    }
    for (const property of Object.keys(source)) {
      if (declared.has(property)) continue;
      if (!options.keepUnknown) {
        throw new CodecError('is not declared by the class', 'unknown-property', source[property]).withPath(property);
      }
      setOwn(target, property, source[property]);
    }
    return target;
  }

  /** The same conversion as the generated functions, as a loop (used where code generation is not allowed). */
  private interpretEncode(source: T, depth: number, size: SizeBound | undefined): Item {
    const item: Item = {};
    const fields = this.fields;
    let i = 0;
    try {
      for (; i < fields.length; i++) {
        const field = fields[i] as FieldCodec;
        const value: unknown = field.compute
          ? field.compute(source)
          : (source as Record<string, unknown>)[field.property];
        if (value === undefined) {
          if (field.required && !field.codec.whenAbsent) throw missingError();
          continue;
        }
        if (value === null) {
          if (!field.nullable) throw notNullableError();
          item[field.name] = NULL_VALUE;
          if (size) size.bytes += Buffer.byteLength(field.name) + 2;
          continue;
        }
        // One byte more per attribute than an item's own attributes need: an embedded object's do.
        if (size) size.bytes += Buffer.byteLength(field.name) + 1;
        const encoded = encodeCounted(field.codec, value, depth, size);
        if (field.validate) runValidate(field.validate, value);
        if (encoded !== undefined) item[field.name] = encoded;
      }
    } catch (error) {
      CodecError.within(error, (fields[i] as FieldCodec).property);
    }
    return item;
  }

  private interpretDecode(item: Item, prototype: object, partial: boolean): T {
    const target = Object.create(prototype) as Record<string, unknown>;
    const fields = this.fields;
    let i = 0;
    try {
      for (; i < fields.length; i++) {
        const field = fields[i] as FieldCodec;
        if (field.compute) continue; // the library's attribute, not the object's
        const value = item[field.name];
        if (value === undefined) {
          if (field.required && !field.codec.whenAbsent && !partial) throw missingStoredError();
          target[field.property] = field.codec.whenAbsent ? field.codec.whenAbsent() : undefined;
        } else if (value.NULL === true && storesNullAsNull(field.codec)) {
          if (!field.nullable) throw storedTypeError(field.codec.label, field.codec.storedType, value);
          target[field.property] = null;
        } else {
          target[field.property] = field.codec.decode(value);
        }
      }
    } catch (error) {
      CodecError.within(error, (fields[i] as FieldCodec).property);
    }
    return target as T;
  }

  private keepUnknown(item: Item, target: object): void {
    const unknown: Item = {};
    let any = false;
    for (const name in item) {
      if (!this.byName.has(name) && item[name] !== undefined) {
        setOwn(unknown, name, item[name]);
        any = true;
      }
    }
    if (any) {
      Object.defineProperty(target, UNKNOWN_ATTRIBUTES, {
        value: unknown,
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
  }
}

/** An embedded class stored as M, through the class's own object codec (compiled lazily, so a class may contain itself). */
export function embeddedCodec<T extends object>(cls: { name: string }, compile: () => ObjectCodec<T>): Codec<T> {
  let codec: ObjectCodec<T> | undefined;
  const objectCodec = (): ObjectCodec<T> => (codec ??= compile());
  return {
    storedType: 'M',
    label: cls.name,
    child(segment) {
      const field = objectCodec().fields.find((candidate) => candidate.property === segment);
      if (!field) return undefined;
      return {
        name: field.name,
        codec: field.codec,
        required: field.required && !field.codec.whenAbsent,
        nullable: field.nullable,
        validate: field.validate,
      };
    },
    sizes: true,
    encode(value, depth, size) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw typeError(cls.name, value);
      // A plain object with the right properties is accepted too (`{ street: 'x' }` for an Address).
      if (depth >= MAX_CONTAINER_DEPTH) throw depthError(value);
      if (size) size.bytes += CONTAINER_BYTES;
      return { M: objectCodec().encode(value as T, depth + 1, size) };
    },
    decode(value) {
      if (value.M === undefined) throw storedTypeError(cls.name, 'M', value);
      return objectCodec().decode(value.M);
    },
    fromJson(value) {
      const codec = objectCodec();
      return Object.assign(Object.create(codec.prototypeOf()) as T, codec.fromJson(value));
    },
  };
}
