import { setOwn } from '../codecs/own-property';
import { applyDefaults } from '../operations/encode-item';
import type { ModelSchema } from '../schema/compile-model';

/**
 * A new instance of the model holding `attributes` and defaults; nothing is sent and no connection
 * is needed (an instance remembers one only once it is written or read through it).
 */
export function buildInstance<T extends object>(schema: ModelSchema<T>, attributes: object = {}): T {
  const cls = schema.cls as unknown as new () => T;
  // A constructor that takes arguments cannot be called blind; such classes skip it.
  const instance = cls.length === 0 ? new cls() : (Object.create(cls.prototype as object) as T);
  const source = attributes as Record<string, unknown>;
  for (const property of Object.keys(source)) {
    const value = source[property];
    // Own properties even for `__proto__`: a key of a parsed request body cannot re-parent the instance.
    if (value !== undefined) setOwn(instance, property, value);
  }
  applyDefaults(schema, instance);
  return instance;
}
