/** The Redis keys of one scope: every one carries the same hash tag, so they share a Cluster slot. */
export interface ScopeKeys {
  readonly generation: string;
  readonly hold: string;
  readonly members: string;
  /** The key of an entry of this scope (a member entry's key is this plus "@<token>"). */
  entry(entry: string): string;
}

/**
 * `<prefix><table>:{#<scope>}:<kind>`: readable, and tagged by the scope itself. A scope (an encoded
 * partition key) may hold any character, so the braces Redis Cluster reads as a hash tag's ends
 * (and `%`, the escape) are escaped, in the table's name too: the names stay one-to-one with
 * (table, scope), and `#` keeps the tag from being empty (Redis hashes a whole key whose tag is
 * `{}`). Built on every call: cheaper than remembering them, and no hash to compute (a SHA-1 tag
 * and a map of recent scopes cost a hit ~0.8 µs at 10,000 partitions, `packages/core/bench/hot-reads.ts`).
 */
export function scopeKeys(prefix: string, table: string, scope: string): ScopeKeys {
  const base = scopeBase(prefix, table, scope);
  return {
    generation: `${base}g`,
    hold: `${base}h`,
    members: `${base}m`,
    entry: (entry) => entryKey(base, entry),
  };
}

/** An item's entry key alone (a lookup needs only it and the generation). */
export function itemKeys(prefix: string, table: string, scope: string, entry: string): ItemKeys {
  const base = scopeBase(prefix, table, scope);
  return { generation: `${base}g`, entry: entryKey(base, entry) };
}

const scopeBase = (prefix: string, table: string, scope: string): string =>
  `${prefix}${escapeBraces(table)}:{#${escapeBraces(scope)}}:`;

export interface ItemKeys {
  readonly generation: string;
  readonly entry: string;
}

const entryKey = (base: string, entry: string): string => `${base}e:${entry.length}:${entry}`;

const ESCAPES: Readonly<Record<string, string>> = { '{': '%7B', '}': '%7D', '%': '%25' };

function escapeBraces(name: string): string {
  // `includes` three times costs a hit less than one regular expression test (names are short).
  if (!name.includes('{') && !name.includes('}') && !name.includes('%')) return name;
  return name.replace(/[{}%]/g, (special) => ESCAPES[special] as string);
}

/** Whether a key prefix keeps every key's hash tag where `scopeKeys` puts it. */
export function isTagSafePrefix(prefix: string): boolean {
  return !prefix.includes('{') && !prefix.includes('}');
}
