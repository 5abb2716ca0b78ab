import { createHash } from 'node:crypto';

/** The Redis keys of one scope: every one carries the same hash tag, so they share a Cluster slot. */
export interface ScopeKeys {
  readonly generation: string;
  readonly hold: string;
  readonly members: string;
  /** The key of an entry of this scope (a member entry's key is this plus "@<token>"). */
  entry(entry: string): string;
}

/**
 * `<prefix><table>:{<tag>}:<kind>`: readable by table, and tagged by a hash of (table, scope),
 * since a scope (an encoded partition key) may hold any character, `{` and `}` included. The
 * entry keys carry the whole scope too, so two scopes whose tags collide share a slot and a
 * generation (which only costs refused fills), never an entry.
 */
export function scopeKeys(prefix: string, table: string, scope: string): ScopeKeys {
  const tag = createHash('sha1').update(table).update('\0').update(scope).digest('base64url').slice(0, 16);
  const base = `${prefix}${table}:{${tag}}:`;
  const scoped = `${base}e:${scope.length}:${scope}`;
  return {
    generation: `${base}g`,
    hold: `${base}h`,
    members: `${base}m`,
    entry: (entry) => `${scoped}${entry.length}:${entry}`,
  };
}
