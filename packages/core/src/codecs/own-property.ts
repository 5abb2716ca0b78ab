/**
 * Sets `target[key] = value` as an own, enumerable data property. Plain assignment is wrong for one
 * key: `target['__proto__'] = value` replaces the prototype instead of storing an entry, so a map
 * key, attribute name or property named `__proto__` would silently vanish (or re-parent the object).
 */
export function setOwn(target: object, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    (target as Record<string, unknown>)[key] = value;
  }
}
