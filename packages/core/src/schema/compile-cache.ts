import type { Duration, ModelCacheOptions } from '../metadata/options';

/** A model's cache settings, checked, in milliseconds. */
export interface CacheSchema {
  readonly ttlMs: number;
  /** Absent keys are remembered this long; `undefined` when they are not. */
  readonly negativeTtlMs: number | undefined;
  readonly queries: boolean;
  readonly indexSettleMs: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** How long fills of global index pages are held back after a write, unless `indexSettle` says otherwise. */
export const DEFAULT_INDEX_SETTLE_MS = 1_000;

type Fail = (message: string, rule: string, attribute?: string) => never;

/** `@Table({ cache })` checked; `undefined` when the model is not cached. */
export function compileCache(options: ModelCacheOptions | undefined, fail: Fail): CacheSchema | undefined {
  if (options === undefined) return undefined;
  const known = new Set(['ttl', 'negativeTtl', 'queries', 'indexSettle']);
  for (const name of Object.keys(options)) {
    if (!known.has(name))
      fail(`@Table({ cache }) has no option "${name}" (it takes ${[...known].join(', ')})`, 'cache');
  }
  if (options.ttl === undefined) fail('@Table({ cache }) needs a ttl (seconds, or "30s", "15m", "1h")', 'cache');
  if (options.queries !== undefined && typeof options.queries !== 'boolean') {
    fail(`@Table({ cache: { queries } }) must be true or false, got ${String(options.queries)}`, 'cache');
  }
  return Object.freeze({
    ttlMs: durationMs(options.ttl, 'ttl', fail),
    negativeTtlMs: options.negativeTtl === undefined ? undefined : durationMs(options.negativeTtl, 'negativeTtl', fail),
    queries: options.queries ?? false,
    indexSettleMs:
      options.indexSettle === undefined
        ? DEFAULT_INDEX_SETTLE_MS
        : durationMs(options.indexSettle, 'indexSettle', fail, true),
  });
}

/** Milliseconds of a duration: a number of seconds, or a number with a unit. */
export function durationMs(value: Duration, name: string, fail: Fail, zeroAllowed = false): number {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value * 1_000;
  else if (typeof value === 'string') {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value);
    if (match) ms = Number(match[1]) * (UNITS[match[2] as string] as number);
  }
  if (ms === undefined || !Number.isFinite(ms) || ms < (zeroAllowed ? 0 : 1)) {
    return fail(
      `@Table({ cache: { ${name} } }) must be ${zeroAllowed ? 'zero or more' : 'more than zero'} seconds or a ` +
        `duration like "500ms", "30s", "15m", "1h", "1d"; got ${JSON.stringify(value)}`,
      'cache',
    );
  }
  return Math.round(ms);
}
