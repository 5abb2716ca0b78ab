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
  return jsonSafe(plain, instance) as Record<string, unknown>;
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

/**
 * `value` (from `instanceToPlain`) with what JSON cannot carry made plain, walked beside `source`
 * (the instance's own value there): class-transformer turns a `Uint8Array` into an object of its
 * indexes, so bytes are taken from the source.
 */
function jsonSafe(value: unknown, source: unknown): unknown {
  if (source instanceof Uint8Array) return Buffer.from(source).toString('base64');
  // class-transformer assigns a Map's entries to an object, so a `__proto__` key is lost: from the source.
  if (source instanceof Map && !(value instanceof Map)) {
    const plain = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    return Object.fromEntries(
      [...(source as Map<unknown, unknown>)].map(([key, item]) => {
        const name = String(key);
        return [name, jsonSafe(Object.prototype.hasOwnProperty.call(plain, name) ? plain[name] : item, item)];
      }),
    );
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Set) return [...value].map((item) => jsonSafe(item, item));
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([key, item]) => [String(key), jsonSafe(item, item)]));
  }
  const sourceList = source instanceof Set ? [...(source as Set<unknown>)] : Array.isArray(source) ? source : undefined;
  if (Array.isArray(value)) return value.map((item, i) => jsonSafe(item, sourceList?.[i]));
  if (typeof value === 'object' && value !== null) {
    const childOf = (key: string): unknown =>
      source instanceof Map
        ? (source as Map<unknown, unknown>).get(key)
        : typeof source === 'object' && source !== null
          ? (source as Record<string, unknown>)[key]
          : undefined;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonSafe(item, childOf(key))]));
  }
  return value;
}
