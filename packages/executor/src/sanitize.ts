// Keeps secrets out of messages and logs. DynamoDB's signature-mismatch messages can quote the
// canonical request, which contains the session token header; access key ids look like AKIA…/ASIA….

const SIGNATURE_DETAIL =
  /\s*(The Canonical String for this request should have been|The String-to-Sign should have been)[\s\S]*$/;
const ACCESS_KEY_ID = /\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g;
const TOKEN_HEADER = /(x-amz-security-token[=:]\s*)[^\s&'"]+/gi;
const AUTH_HEADER = /(AWS4-HMAC-SHA256\s+Credential=)[^\s,]+/g;

export function sanitizeMessage(message: string): string {
  return message
    .replace(SIGNATURE_DETAIL, ' [signature details removed]')
    .replace(TOKEN_HEADER, '$1[redacted]')
    .replace(AUTH_HEADER, '$1[redacted]')
    .replace(ACCESS_KEY_ID, '[access key id]');
}

/** Fields of DynamoDB inputs and outputs that hold item contents (keys are kept: they identify, they are not data). */
const ITEM_FIELDS = new Set(['Item', 'Items', 'Attributes', 'ExpressionAttributeValues', 'Responses']);

/**
 * A copy of a request or response with item contents replaced by a placeholder, for loggers.
 * The SDK's own log filter redacts nothing in DynamoDB items (docs/reliability.md §7).
 */
export function redactItemData(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((entry) => redactItemData(entry, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    copy[key] = ITEM_FIELDS.has(key) && entry !== undefined ? '[item data redacted]' : redactItemData(entry, depth + 1);
  }
  return copy;
}
