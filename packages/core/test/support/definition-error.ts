import { compileModel, ModelDefinitionError, type AnyClass } from '../../src';

/** The ModelDefinitionError a class raises when compiled. */
export function definitionError(cls: AnyClass): ModelDefinitionError {
  try {
    compileModel(cls);
  } catch (error) {
    if (error instanceof ModelDefinitionError) return error;
    throw error;
  }
  throw new Error(`${cls.name} compiled without error`);
}
