import { ValidationError } from '@dynamodel/executor';
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
  let unknown: string[] | undefined;
  for (const property of Object.keys(source)) {
    const value = source[property];
    if (!schema.byProperty.has(property) && schema.unknownProperties !== 'keep') {
      if (schema.unknownProperties === 'refuse') (unknown ??= []).push(property);
      continue;
    }
    // Own properties even for `__proto__`: a key of a parsed request body cannot re-parent the instance.
    if (value !== undefined) setOwn(instance, property, value);
  }
  if (unknown) refuseUnknown(schema, unknown);
  applyDefaults(schema, instance);
  return instance;
}

/** Input properties the model does not declare would be silently left out of the item: refused, all named. */
function refuseUnknown(schema: ModelSchema, properties: readonly string[]): never {
  const list = properties.map((property) => JSON.stringify(property)).join(', ');
  throw new ValidationError(
    `${schema.model}: ${properties.length === 1 ? 'property' : 'properties'} ${list} ` +
      `${properties.length === 1 ? 'is' : 'are'} not declared by the model, so ${properties.length === 1 ? 'it' : 'they'} would not be stored ` +
      "[unknown-property] (declare it with @Attribute, or set @Table({ unknownProperties: 'strip' }) to leave such properties out)",
    { model: schema.model, attribute: properties[0], attributes: properties, rule: 'unknown-property' },
  );
}
