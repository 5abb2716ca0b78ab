import { instanceToPlain } from 'class-transformer';

/**
 * A JSON-ready copy of an instance: class-transformer's `instanceToPlain` (so `@Exclude()` keeps a
 * password hash out and `@Expose()` adds getters), then the values JSON cannot carry made plain:
 * Sets become arrays, Maps objects, bigints strings, bytes base64 and Dates ISO strings.
 */
export function toJsonObject(instance: object): Record<string, unknown> {
  return jsonSafe(instanceToPlain(instance)) as Record<string, unknown>;
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Set) return [...value].map(jsonSafe);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), jsonSafe(item)]));
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonSafe(item)]));
  }
  return value;
}
