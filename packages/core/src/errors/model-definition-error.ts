import { DynamodelError } from '@dynamodel/executor';

export interface ModelDefinitionErrorOptions {
  /** The class being defined. */
  readonly model: string;
  /** The property at fault, when the error is about one. */
  readonly attribute?: string;
  /** The rule that was broken, e.g. `missing-hash-key`, `key-type`. */
  readonly rule: string;
}

/**
 * A model class is declared in a way DynamoDB or Dynamodel cannot work with. Raised when the class
 * is compiled (at first use or by `compileModel`), before anything is sent.
 */
export class ModelDefinitionError extends DynamodelError {
  override name = 'ModelDefinitionError';
  readonly model: string;
  declare readonly attribute: string | undefined;
  readonly rule: string;

  constructor(message: string, options: ModelDefinitionErrorOptions) {
    const where = options.attribute ? `${options.model}.${options.attribute}` : options.model;
    super(`${where}: ${message} [${options.rule}]`);
    this.model = options.model;
    if (options.attribute !== undefined) (this as { attribute?: string }).attribute = options.attribute;
    this.rule = options.rule;
  }
}
