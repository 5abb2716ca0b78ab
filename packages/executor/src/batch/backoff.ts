export interface BackoffOptions {
  /** Delay scale of the first re-send. Default 50 ms. */
  readonly baseMs?: number;
  /** Upper bound of any one delay. Default 5,000 ms. */
  readonly maxMs?: number;
  /** Injectable randomness for deterministic tests. Default Math.random. */
  readonly random?: () => number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog's recommendation):
 * a uniform draw in [0, min(max, base · 2^attempt)).
 */
export function fullJitterDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 50;
  const max = options.maxMs ?? 5_000;
  const random = options.random ?? Math.random;
  return Math.floor(random() * Math.min(max, base * 2 ** Math.max(0, attempt - 1)));
}
