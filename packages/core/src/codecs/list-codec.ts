import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  CodecError,
  MAX_CONTAINER_DEPTH,
  fromJsonArray,
  fromJsonError,
  storedTypeError,
  typeError,
  type Codec,
} from './codec';
import { CONTAINER_BYTES, encodeCounted } from './size-bound';

export function depthError(value: unknown): CodecError {
  return new CodecError(
    `value nests more than ${MAX_CONTAINER_DEPTH} maps and lists, DynamoDB's limit`,
    'max-depth',
    value,
  );
}

/** Arrays as L, each element through `element`. */
export function listCodec<E>(element: Codec<E>): Codec<E[]> {
  const label = `Array<${element.label}>`;
  return {
    storedType: 'L',
    label,
    element,
    child: (segment) => (typeof segment === 'number' ? { name: segment, codec: element } : undefined),
    sizes: true,
    encode(value, depth, size) {
      if (!Array.isArray(value)) throw typeError(label, value);
      if (depth >= MAX_CONTAINER_DEPTH) throw depthError(value);
      if (size) size.bytes += CONTAINER_BYTES + value.length;
      const list: AttributeValue[] = new Array<AttributeValue>(value.length);
      for (let i = 0; i < value.length; i++) {
        let encoded: AttributeValue | undefined;
        try {
          encoded = encodeCounted(element, value[i], depth + 1, size);
        } catch (error) {
          CodecError.within(error, String(i));
        }
        // A list cannot skip an element (indexes would shift): an empty set inside one is an error.
        if (encoded === undefined) {
          throw new CodecError(
            `element ${i} is an empty set, which DynamoDB cannot store in a list`,
            'empty-set',
            value[i],
          );
        }
        list[i] = encoded;
      }
      return { L: list };
    },
    decode(value) {
      if (value.L === undefined) throw storedTypeError(label, 'L', value);
      return value.L.map((item, i) => {
        try {
          return element.decode(item);
        } catch (error) {
          return CodecError.within(error, String(i));
        }
      });
    },
    fromJson(value) {
      if (!Array.isArray(value)) throw fromJsonError(label, value, 'an array');
      return fromJsonArray(value, element.fromJson);
    },
  };
}
