import { ValidationError } from '@dynamodel/executor';
import { toValidationError } from '../operations/to-validation-error';
import type { ModelSchema } from '../schema/compile-model';
import { buildInstance } from './build-instance';

/**
 * An unsaved instance from the JSON `toJSON()` made of one (an object, or its text): ISO strings
 * become `Date`s, strings `bigint`s, base64 text bytes, arrays `Set`s, objects `Map`s and embedded
 * class instances, each as the model declares (the codecs' `fromJson`, src/codecs/codec.ts). Then it
 * is built as `build` builds one: defaults filled, undeclared properties handled by the model's
 * `unknownProperties` rule. A value that does not fit is a `ValidationError` naming its path (rule
 * `from-json`); nothing is checked that a write checks anyway (it is checked when written).
 */
export function instanceFromJson<T extends object>(schema: ModelSchema<T>, json: unknown): T {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json) as unknown;
    } catch (error) {
      throw new ValidationError(`${schema.model}: the text is not JSON (${(error as Error).message}) [from-json]`, {
        model: schema.model,
        rule: 'from-json',
      });
    }
  }
  let attributes: Record<string, unknown>;
  try {
    attributes = schema.codec.fromJson(value, { keepUnknown: true });
  } catch (error) {
    return toValidationError(schema, error);
  }
  return buildInstance(schema, attributes);
}
