import type { Logger } from '@smithy/types';
import { redactItemData, sanitizeMessage } from '../sanitize';

/**
 * Wraps a user's logger before the SDK gets it: the SDK logs whole requests and responses, items
 * included (DynamoDB marks nothing as sensitive), so item data is replaced and messages scrubbed.
 */
export function redactingLogger(logger: Logger): Logger {
  const clean = (args: unknown[]): unknown[] =>
    args.map((arg) => (typeof arg === 'string' ? sanitizeMessage(arg) : redactItemData(arg)));
  return {
    trace: (...args: unknown[]) => logger.trace?.(...clean(args)),
    debug: (...args: unknown[]) => logger.debug(...clean(args)),
    info: (...args: unknown[]) => logger.info(...clean(args)),
    warn: (...args: unknown[]) => logger.warn(...clean(args)),
    error: (...args: unknown[]) => logger.error(...clean(args)),
  };
}
