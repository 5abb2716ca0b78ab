import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { setOwn } from './own-property';

/**
 * A deep copy of a stored value, for code outside the mapper (a user codec's `fromDynamo`): what it
 * is handed may be kept, or changed in place, without touching the item it came from. That item is
 * what `save()` compares with (`model/stored-state.ts`) and may be shared by every instance decoded
 * from one cached text (`cache/parsed-texts.ts`). Bytes are copied; strings are immutable.
 */
export function copyAttributeValue(value: AttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.M !== undefined) return { M: copyMap(value.M) };
  if (value.L !== undefined) return { L: value.L.map(copyAttributeValue) };
  if (value.B !== undefined) return { B: Uint8Array.from(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Uint8Array.from(bytes)) };
  // Not a value DynamoDB returns: handed over as it is (the codec reports what it cannot read).
  return value;
}

function copyMap(map: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const copy: Record<string, AttributeValue> = {};
  for (const name of Object.keys(map)) setOwn(copy, name, copyAttributeValue(map[name] as AttributeValue));
  return copy;
}
