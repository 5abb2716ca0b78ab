import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CodecError, fromJsonArray, fromJsonError, storedTypeError, typeError, type Codec } from './codec';
import { setElementBound } from './size-bound';

const SET_TYPES = { S: 'SS', N: 'NS', B: 'BS' } as const;

/**
 * `Set<string | number | bigint | Uint8Array>` (or of any codec that stores S, N or B: enums, UUIDs,
 * dates) as SS, NS or BS. An empty set is left out (DynamoDB rejects empty sets) and an absent
 * attribute decodes to an empty set. Two elements that encode alike (equal byte arrays, `1` and
 * `1n`) are rejected: DynamoDB would reject the whole request.
 */
export function setCodec<E>(element: Codec<E>): Codec<Set<E>> {
  const elementType = element.storedType;
  if (elementType !== 'S' && elementType !== 'N' && elementType !== 'B') {
    throw new Error(`a Set's elements must be stored as S, N or B; ${element.label} is stored as ${elementType}`);
  }
  const setType = SET_TYPES[elementType];
  const label = `Set<${element.label}>`;
  const textOf = (value: AttributeValue): string =>
    elementType === 'B' ? Buffer.from(value.B ?? []).toString('latin1') : (value.S ?? value.N ?? '');

  // Literal object shapes, chosen once: a computed key (`{ [type]: value }`) per value is slow in V8.
  const wrapSet = (stored: unknown[]): AttributeValue =>
    (setType === 'SS' ? { SS: stored } : setType === 'NS' ? { NS: stored } : { BS: stored }) as AttributeValue;
  const wrapElement = (item: unknown): AttributeValue =>
    (elementType === 'S' ? { S: item } : elementType === 'N' ? { N: item } : { B: item }) as AttributeValue;

  return {
    storedType: setType,
    label,
    element,
    whenAbsent: () => new Set<E>(),
    sizes: true,
    encode(value, _depth, size) {
      if (!(value instanceof Set)) throw typeError(label, value);
      if (value.size === 0) return undefined;
      const stored: unknown[] = [];
      // Only elements that can collide (Dates, byte arrays, user codecs) need their texts compared.
      const seen = element.injective ? undefined : new Set<string>();
      let index = 0;
      for (const item of value) {
        let encoded: AttributeValue | undefined;
        try {
          encoded = element.encode(item, 0);
        } catch (error) {
          CodecError.within(error, `<${index}>`);
        }
        if (encoded === undefined) throw typeError(element.label, item);
        if (seen) {
          const text = textOf(encoded);
          if (seen.has(text)) {
            throw new CodecError(`${label} holds two elements stored as the same value`, 'set-duplicates', item);
          }
          seen.add(text);
        }
        const text = encoded.S ?? encoded.N ?? encoded.B;
        if (size) size.bytes += setElementBound(text, elementType);
        stored.push(text);
        index++;
      }
      return wrapSet(stored);
    },
    decode(value) {
      const stored = (value as unknown as Record<string, unknown[] | undefined>)[setType];
      if (stored === undefined) throw storedTypeError(label, setType, value);
      const result = new Set<E>();
      for (const item of stored) result.add(element.decode(wrapElement(item)));
      return result;
    },
    fromJson(value) {
      if (value instanceof Set) return value as Set<E>;
      if (!Array.isArray(value)) throw fromJsonError(label, value, 'an array');
      return new Set(fromJsonArray(value, element.fromJson));
    },
  };
}
