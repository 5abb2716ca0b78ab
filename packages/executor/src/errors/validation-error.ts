import { DynamodelError, setDefined, type DynamodelErrorOptions } from './dynamodel-error';

export interface ValidationErrorOptions extends DynamodelErrorOptions {
  /** The model class, when the error is about a model's item. */
  readonly model?: string;
  /** Dotted path of the attribute at fault, e.g. `author.name`. */
  readonly attribute?: string;
  /** Every attribute at fault, when there are several (all missing required attributes); the first is `attribute`. */
  readonly attributes?: readonly string[];
  /** The rule that was broken, e.g. `required`, `max-key-bytes`. */
  readonly rule?: string;
  /** The service's error code when DynamoDB raised it (`ValidationException`). */
  readonly code?: string;
}

/**
 * A request or item breaks a rule: raised before sending when Dynamodel can tell, and for
 * DynamoDB's own `ValidationException` otherwise.
 */
export class ValidationError extends DynamodelError {
  override name = 'ValidationError';
  declare readonly model: string | undefined;
  declare readonly attribute: string | undefined;
  declare readonly rule: string | undefined;
  declare readonly attributes: readonly string[] | undefined;
  readonly code: string;

  constructor(message: string, options: ValidationErrorOptions = {}) {
    super(message, options);
    setDefined<ValidationError>(this, {
      model: options.model,
      attribute: options.attribute,
      attributes: options.attributes,
      rule: options.rule,
    });
    this.code = options.code ?? 'ValidationError';
  }
}
