/**
 * What the fault proxy does with one request (docs/reliability.md §9.1):
 * - `pass`: forward unchanged.
 * - `pte`, `throttling`, `requestLimit`: DynamoDB's real 400 throttling answers; not forwarded.
 * - `500`, `503`, `501`: server errors (503 and 501 with non-JSON bodies); not forwarded.
 * - `resetBefore`: destroy the connection without forwarding.
 * - `resetAfter`: forward, wait for DynamoDB's answer, then destroy the connection (the write happened).
 * - `resetMidBody`: forward, send headers and half the body, then destroy.
 * - `truncated`: forward, send half the body with a Content-Length that matches the half.
 * - `{ slow: ms }`: wait before forwarding.
 * - `{ unprocessed: k }`: BatchWriteItem: forward only the first k requests, return the rest as UnprocessedItems.
 * - `{ unprocessedKeys: k }`: BatchGetItem: forward only the first k keys, return the rest as UnprocessedKeys.
 * - `noUnprocessedMember`: forward, drop the UnprocessedItems/UnprocessedKeys member from the answer.
 * - `txConflict`: TransactWriteItems is cancelled with a TransactionConflict reason; not forwarded.
 * - `skew`: 400 InvalidSignatureException "Signature expired" with a `Date` 15 minutes ahead; not forwarded.
 * - `expiredToken`: 400 ExpiredTokenException; not forwarded.
 * - `namespaceVariant`: a throttle under `com.amazon.coral.availability#`, as some endpoints send it.
 * Stale reads (the §9.1 `staleRead` mode) are a window rather than a per-request fault:
 * `FaultProxy.setStaleReads(ms)`, implemented in `stale-reads.ts`.
 */
export type FaultMode =
  | 'pass'
  | 'pte'
  | 'throttling'
  | 'requestLimit'
  | '500'
  | '503'
  | '501'
  | 'resetBefore'
  | 'resetAfter'
  | 'resetMidBody'
  | 'truncated'
  | 'noUnprocessedMember'
  | 'txConflict'
  | 'skew'
  | 'expiredToken'
  | 'namespaceVariant'
  | { readonly slow: number }
  | { readonly unprocessed: number }
  | { readonly unprocessedKeys: number };

/** Probabilities per mode, drawn from a seeded generator; `unprocessed`/`unprocessedKeys` pick a random k. */
export interface FaultRates {
  readonly pte?: number;
  readonly throttling?: number;
  readonly requestLimit?: number;
  readonly '500'?: number;
  readonly '503'?: number;
  readonly '501'?: number;
  readonly resetBefore?: number;
  readonly resetAfter?: number;
  readonly resetMidBody?: number;
  readonly truncated?: number;
  readonly unprocessed?: number;
  readonly unprocessedKeys?: number;
}

/** A scripted fault: applied to the next request of `operation` (or of any operation). */
export interface ScriptedFault {
  readonly mode: FaultMode;
  readonly operation?: string;
}

export function modeName(mode: FaultMode): string {
  if (typeof mode === 'string') return mode;
  if ('slow' in mode) return `slow:${mode.slow}`;
  if ('unprocessed' in mode) return `unprocessed:${mode.unprocessed}`;
  return `unprocessedKeys:${mode.unprocessedKeys}`;
}

/** mulberry32: a tiny seeded generator, so a failing fault run can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
