import { bigintCodec, booleanCodec, numberCodec, stringCodec } from '../codecs/scalar-codecs';
import { bufferCodec, uint8ArrayCodec } from '../codecs/binary-codec';
import { DATE_FORMATS, dateCodec } from '../codecs/date-codec';
import { enumCodec, enumValues } from '../codecs/enum-codec';
import { customCodec, isUserCodec } from '../codecs/custom-codec';
import { listCodec } from '../codecs/list-codec';
import { mapCodec, recordCodec } from '../codecs/map-codec';
import { setCodec } from '../codecs/set-codec';
import type { Codec } from '../codecs/codec';
import { ModelDefinitionError } from '../errors/model-definition-error';
import type { AnyClass, ElementOptions } from '../metadata/options';

export interface ResolveContext {
  readonly model: string;
  readonly attribute: string;
  /** The codec of an embedded class (compiled lazily, so classes may refer to themselves). */
  embedded(cls: AnyClass): Codec;
}

export function isCodec(value: unknown): value is Codec {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Codec).encode === 'function' &&
    typeof (value as Codec).decode === 'function' &&
    typeof (value as Codec).storedType === 'string'
  );
}

const SCALARS = new Map<unknown, Codec>([
  [String, stringCodec],
  [Number, numberCodec],
  [BigInt, bigintCodec],
  [Boolean, booleanCodec],
  [Buffer, bufferCodec],
  [Uint8Array, uint8ArrayCodec],
]);

/** Built-ins that are not data Dynamodel can store, so they are never mistaken for embedded classes. */
const NOT_STORABLE = new Set<unknown>([Function, Promise, Symbol, WeakMap, WeakSet, RegExp, Error]);

/**
 * Turns what the decorators say about a property (or a container's element) into its codec:
 * an explicit `codec`, an `enum`, an explicit `type`, or else TypeScript's emitted type.
 */
export function resolveCodec(spec: ElementOptions, designType: unknown, context: ResolveContext): Codec {
  const fail = (message: string, rule: string): never => {
    throw new ModelDefinitionError(message, { model: context.model, attribute: context.attribute, rule });
  };
  if (spec.codec !== undefined) {
    if (!isUserCodec(spec.codec)) fail('codec must have toDynamo and fromDynamo functions', 'codec');
    return customCodec(spec.codec, `${context.attribute} (custom codec)`);
  }
  if (spec.enum !== undefined) {
    const values = enumValues(spec.enum);
    if (values.length === 0) fail('enum has no values', 'enum');
    const duplicate = values.find((value, i) => values.indexOf(value) !== i);
    if (duplicate !== undefined) fail(`enum has the value ${JSON.stringify(duplicate)} twice`, 'enum-duplicates');
    return enumCodec(values, 'enum');
  }
  if (spec.dateFormat !== undefined && !DATE_FORMATS.includes(spec.dateFormat)) {
    fail(`dateFormat must be one of ${DATE_FORMATS.join(', ')}`, 'date-format');
  }
  const type: unknown = spec.type ?? designType;
  if (type === undefined || type === null) {
    return fail(
      'has no type: TypeScript emitted no type metadata for it; turn on "emitDecoratorMetadata" (with ' +
        '"experimentalDecorators") in tsconfig.json and import "reflect-metadata" once, or declare the type, ' +
        'e.g. @Attribute({ type: String })',
      'missing-type',
    );
  }
  if (isCodec(type)) return type;
  if (typeof type === 'object') return resolveCodec(type, undefined, context);
  if (typeof type !== 'function') return fail(`type ${typeof type} is not a type`, 'unknown-type');

  const scalar = SCALARS.get(type);
  if (scalar) return scalar;
  if (type === Date) return dateCodec(spec.dateFormat);
  const element = (container: string): Codec => {
    if (spec.of === undefined) {
      return fail(`is a ${container}: say what its elements are, e.g. { of: String }`, 'missing-element-type');
    }
    return resolveCodec(typeof spec.of === 'function' || isCodec(spec.of) ? { type: spec.of } : spec.of, undefined, {
      ...context,
      attribute: `${context.attribute}[]`,
    });
  };
  if (type === Array) return listCodec(element('Array'));
  if (type === Map) return mapCodec(element('Map'));
  if (type === Set) {
    const elementCodec = element('Set');
    try {
      return setCodec(elementCodec);
    } catch (error) {
      return fail((error as Error).message, 'set-element-type');
    }
  }
  if (type === Object) {
    if (spec.of !== undefined) return recordCodec(element('Record'));
    if ((spec as { nullable?: boolean }).nullable) {
      return fail(
        'is nullable, and TypeScript emits a union with null (string | null) as Object: give the type it ' +
          'holds besides null, e.g. @Attribute({ type: String, nullable: true })',
        'unknown-type',
      );
    }
    return fail(
      'has the type Object, which is what TypeScript emits for interfaces, unions (string | null), ' +
        'any and unknown: give `type` (and `of` for a record), or use `type: Json` for free-form data',
      'unknown-type',
    );
  }
  if (NOT_STORABLE.has(type)) return fail(`${(type as AnyClass).name} cannot be stored`, 'unknown-type');
  return context.embedded(type as AnyClass);
}
