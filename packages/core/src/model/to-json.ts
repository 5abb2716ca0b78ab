import { instanceToPlain } from 'class-transformer';
import { collectDeclarations } from '../schema/collect-declarations';

/**
 * A JSON-ready copy of an instance: class-transformer's `instanceToPlain` (so `@Exclude()` keeps a
 * password hash out and `@Expose()` adds getters), without the attributes declared `hidden: true`
 * (at any depth), then the values JSON cannot carry made plain: Sets become arrays, Maps objects,
 * bigints strings, bytes base64 and Dates ISO strings.
 */
export function toJsonObject(instance: object): Record<string, unknown> {
  const plain = instanceToPlain(instance);
  removeHidden(instance, plain);
  return jsonSafe(plain) as Record<string, unknown>;
}

/** Deletes from `plain` what `source`'s class declares hidden, and walks into its embedded objects. */
function removeHidden(source: unknown, plain: unknown): void {
  if (typeof source !== 'object' || source === null || typeof plain !== 'object' || plain === null) return;
  if (Array.isArray(source)) {
    source.forEach((element, i) => removeHidden(element, (plain as unknown[])[i]));
    return;
  }
  const target = plain as Record<string, unknown>;
  for (const attribute of collectDeclarations(source.constructor).attributes) {
    if (typeof attribute.property !== 'string') continue;
    if (attribute.options.hidden) delete target[attribute.property];
    else removeHidden((source as Record<string, unknown>)[attribute.property], target[attribute.property]);
  }
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
