import type { VersionCheck } from './lifecycle';

/**
 * A single-item write built and checked, ready to send alone or as one action of a transaction:
 * the request, whether it may be re-sent after a lost answer, the version it requires, and what the
 * instance takes once the write is stored (its new version).
 */
export interface WritePlan<P> {
  readonly params: P;
  readonly idempotent: boolean;
  readonly versionCheck: VersionCheck | undefined;
  readonly assigned: readonly (readonly [property: string, value: unknown])[];
}
