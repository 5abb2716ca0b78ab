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
  private readonly values: Record<string, AttributeValue> = {};
  private valueCount = 0;

  name(stored: string): string {
    let placeholder = this.names.get(stored);
    if (placeholder === undefined) {
      placeholder = `#n${this.names.size}`;
      this.names.set(stored, placeholder);
    }
    return placeholder;
  }

  value(encoded: AttributeValue): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = encoded;
    return placeholder;
  }

  /** `ExpressionAttributeNames` and `ExpressionAttributeValues`, each only when non-empty. */
  params(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  } {
    return {
      ...(this.names.size > 0
        ? { ExpressionAttributeNames: Object.fromEntries([...this.names].map(([name, key]) => [key, name])) }
        : {}),
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
