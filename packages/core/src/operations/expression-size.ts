import type { ModelSchema } from '../schema/compile-model';
import { modelValidationError } from './to-validation-error';

/** DynamoDB's limit on each expression of a request, after placeholders (docs/reliability.md §1). */
const MAX_EXPRESSION_BYTES = 4_096;

/**
 * Refuses a request whose condition, update, key condition, filter or projection expression is
 * over 4 KB, before sending (the service would reject it with a bare ValidationException).
 * Placeholders keep expressions ASCII, so the length is the byte count.
 */
export function checkExpressionSizes<P extends object>(schema: ModelSchema, params: P): P {
  // A `for…in` over the few members: `Object.entries` would allocate on every request.
  for (const member in params) {
    const text = (params as Record<string, unknown>)[member];
    if (typeof text === 'string' && text.length > MAX_EXPRESSION_BYTES && member.endsWith('Expression')) {
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_EXPRESSION_BYTES) {
        throw modelValidationError(
          schema,
          `${member} is ${bytes} bytes, over DynamoDB's ${MAX_EXPRESSION_BYTES}-byte limit; ` +
            'split the update or the condition into several requests',
          'expression-size',
        );
      }
    }
  }
  return params;
}
