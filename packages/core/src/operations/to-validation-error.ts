import { ValidationError } from '@dynamodel/executor';
import { CodecError, describeValue } from '../codecs/codec';
import type { ModelSchema } from '../schema/compile-model';

/** `tags[2].name` from `['tags', '2', 'name']`. */
export function formatPath(path: readonly string[]): string {
  return path.reduce(
    (text, segment) =>
      /^\d+$|^<\d+>$/.test(segment)
        ? `${text}[${segment.replace(/[<>]/g, '')}]`
        : text
          ? `${text}.${segment}`
          : segment,
    '',
  );
}

/**
 * Turns a codec's complaint into the `ValidationError` users see: model, attribute path, stored
 * name when it differs, the value's type and the rule. Anything else is rethrown unchanged.
 */
export function toValidationError(schema: ModelSchema, error: unknown): never {
  if (!(error instanceof CodecError)) throw error;
  const attribute = formatPath(error.path);
  const field = schema.byProperty.get(error.path[0] ?? '');
  const stored = field && field.name !== field.property ? ` (stored as "${field.name}")` : '';
  const valueType = /\bgot\b/.test(error.message) ? '' : ` (value: ${describeValue(error.value)})`;
  throw new ValidationError(`${schema.model}.${attribute}${stored}: ${error.message}${valueType} [${error.rule}]`, {
    model: schema.model,
    attribute,
    rule: error.rule,
    cause: error,
  });
}

/** A ValidationError about the model as a whole or one attribute, raised by the model layer itself. */
export function modelValidationError(
  schema: ModelSchema,
  message: string,
  rule: string,
  attribute?: string,
): ValidationError {
  const where = attribute ? `${schema.model}.${attribute}` : schema.model;
  return new ValidationError(`${where}: ${message} [${rule}]`, { model: schema.model, attribute, rule });
}
