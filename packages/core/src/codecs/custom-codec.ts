import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CodecError, storedTypeOf, type Codec, type StoredType } from './codec';
import { checkAttributeValue } from './check-attribute-value';
import { copyAttributeValue } from './copy-attribute-value';

/**
 * A user's own conversion. `storedType` is required when the attribute is a key (DynamoDB must be
 * told S, N or B when the table is created); otherwise it is checked when given.
 */
export interface UserCodec<T> {
  toDynamo(value: T): AttributeValue;
  fromDynamo(value: AttributeValue): T;
  readonly storedType?: Exclude<StoredType, '*'>;
  /** The value from its JSON form, for `Model.fromJSON` (default: the JSON value as it is). */
  fromJSON?(value: unknown): T;
}

export function isUserCodec(value: unknown): value is UserCodec<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as UserCodec<unknown>).toDynamo === 'function' &&
    typeof (value as UserCodec<unknown>).fromDynamo === 'function'
  );
}

/** Wraps a user codec: its output is checked against DynamoDB's rules, its errors carry the path. */
export function customCodec<T>(user: UserCodec<T>, label: string): Codec<T> {
  const storedType = user.storedType ?? '*';
  return {
    storedType,
    label,
    encode(value, depth) {
      let encoded: AttributeValue;
      try {
        encoded = user.toDynamo(value as T);
      } catch (error) {
        if (error instanceof CodecError) throw error;
        const wrapped = new CodecError(`the codec's toDynamo threw: ${(error as Error).message}`, 'codec', value);
        (wrapped as { cause?: unknown }).cause = error;
        throw wrapped;
      }
      checkAttributeValue(encoded, depth);
      if (storedType !== '*' && storedTypeOf(encoded) !== storedType) {
        throw new CodecError(`the codec returned ${storedTypeOf(encoded)}, not ${storedType}`, 'codec-output', value);
      }
      return encoded;
    },
    ...(user.fromJSON
      ? {
          fromJson: (value: unknown): T => {
            try {
              return (user.fromJSON as (value: unknown) => T)(value);
            } catch (error) {
              if (error instanceof CodecError) throw error;
              throw new CodecError(`the codec's fromJSON threw: ${(error as Error).message}`, 'from-json', value);
            }
          },
        }
      : {}),
    decode(value) {
      try {
        // A copy: what fromDynamo returns may be the value itself, and the instance may change it in place.
        return user.fromDynamo(copyAttributeValue(value));
      } catch (error) {
        if (error instanceof CodecError) throw error;
        throw new CodecError(`the codec's fromDynamo threw: ${(error as Error).message}`, 'stored-type', value);
      }
    },
  };
}
