import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * The one allocator of an expression's placeholders: every stored name becomes `#n…` (the same name
 * reuses its placeholder) and every value `:v…`, so reserved words and names with dots, dashes or
 * `#` are always safe, and only the placeholders an expression uses are sent (DynamoDB rejects
 * unused ones, docs/reliability.md §1). Condition, update, key-condition and projection expressions
 * of one request share one allocator.
 */
export class Placeholders {
  private readonly names = new Map<string, string>();
  /** The same names the other way round, as `ExpressionAttributeNames` is sent. */
  private readonly namesByPlaceholder: Record<string, string> = {};
  private readonly values: Record<string, AttributeValue> = {};
  private valueCount = 0;

  name(stored: string): string {
    let placeholder = this.names.get(stored);
    if (placeholder === undefined) {
      placeholder = NAME_PLACEHOLDERS[this.names.size] ?? `#n${this.names.size}`;
      this.names.set(stored, placeholder);
      this.namesByPlaceholder[placeholder] = stored;
    }
    return placeholder;
  }

  value(encoded: AttributeValue): string {
    const count = this.valueCount++;
    const placeholder = VALUE_PLACEHOLDERS[count] ?? `:v${count}`;
    this.values[placeholder] = encoded;
    return placeholder;
  }

  /** `ExpressionAttributeNames` and `ExpressionAttributeValues`, each only when non-empty. */
  params(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  } {
    const params: {
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, AttributeValue>;
    } = {};
    if (this.names.size > 0) params.ExpressionAttributeNames = { ...this.namesByPlaceholder };
    if (this.valueCount > 0) params.ExpressionAttributeValues = this.values;
    return params;
  }
}

// The placeholders most expressions use, made once (a request is built on every call).
const NAME_PLACEHOLDERS = Array.from({ length: 32 }, (_, i) => `#n${i}`);
const VALUE_PLACEHOLDERS = Array.from({ length: 32 }, (_, i) => `:v${i}`);
