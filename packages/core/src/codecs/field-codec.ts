import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CodecError, type Codec } from './codec';

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
  /**
   * A stored attribute the library computes from the whole object rather than reads from a
   * property (a single-table key rendered from a template, the entity's name): encoded from
   * `compute(source)`, never set on a decoded object. Its `property` names it in messages only.
   */
  readonly compute?: (source: object) => unknown;
  /** The properties `compute` reads (a key template's attributes); absent when it reads none. */
  readonly computedFrom?: readonly string[];
}

export const missingError = (): CodecError => new CodecError('is required but undefined', 'required', undefined);

/** A stored item lacks a required attribute (another entity's item, or one written before the attribute existed). */
export const missingStoredError = (): CodecError =>
  new CodecError(
    'is required, but the stored item has no such attribute (declare it optional, or give the item one)',
    'missing',
    undefined,
  );

export const notNullableError = (): CodecError =>
  new CodecError(
    'is null, but the attribute is not nullable (declare it with { nullable: true })',
    'not-nullable',
    null,
  );

/** Whether a stored NULL stands for `null` (rather than being the codec's own stored value). */
export const storesNullAsNull = (codec: Codec): boolean => codec.storedType !== 'NULL' && codec.storedType !== '*';

export function runValidate(validate: (value: never) => boolean | string | void, value: unknown): void {
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
