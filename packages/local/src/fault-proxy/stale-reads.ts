// The proxy's `staleRead` behaviour (docs/reliability.md §9.1): DynamoDB's eventually consistent reads may
// come from a replica that has not seen the latest write, which DynamoDB Local never shows. While
// enabled, the proxy remembers each key's item from just before every write, and for a window after
// the write answers eventually consistent GetItem and BatchGetItem reads of that key with it.

type AttributeMap = Record<string, unknown>;

export interface KeyedWrite {
  readonly table: string;
  /** The key attributes, or the whole item for a put (its key is picked out with the table's key schema). */
  readonly key?: AttributeMap;
  readonly item?: AttributeMap;
}

interface Remembered {
  readonly before: AttributeMap | undefined;
  readonly until: number;
}

/** Reads DynamoDB Local directly (consistent), on behalf of the stale-read history. */
export interface LocalReader {
  keyNames(table: string): Promise<string[]>;
  getItem(table: string, key: AttributeMap): Promise<AttributeMap | undefined>;
}

export class StaleReadHistory {
  private windowMs = 0;
  private readonly remembered = new Map<string, Remembered>();

  /** Turns stale reads on for `windowMs` after each write (0 turns them off and forgets). */
  setWindow(windowMs: number): void {
    this.windowMs = windowMs;
    if (windowMs <= 0) this.remembered.clear();
  }

  get enabled(): boolean {
    return this.windowMs > 0;
  }

  /** Call before forwarding a write: remembers each written key's current item. */
  async beforeWrite(operation: string, body: AttributeMap, local: LocalReader): Promise<void> {
    if (!this.enabled) return;
    for (const write of writesOf(operation, body)) {
      const names = await local.keyNames(write.table);
      const source = write.key ?? write.item ?? {};
      const key = Object.fromEntries(names.map((name) => [name, source[name]]));
      const before = await local.getItem(write.table, key);
      this.remembered.set(keyId(write.table, key), { before, until: Date.now() + this.windowMs });
    }
  }

  /** The stale item for an eventually consistent read of `key`: `{ item }` (maybe absent), or undefined when fresh. */
  staleFor(table: string, key: AttributeMap): { item: AttributeMap | undefined } | undefined {
    const entry = this.remembered.get(keyId(table, key));
    if (!entry) return undefined;
    if (entry.until < Date.now()) {
      this.remembered.delete(keyId(table, key));
      return undefined;
    }
    return { item: entry.before };
  }

  /** A GetItem answer from history, or undefined when the read must be forwarded. */
  getItemAnswer(body: AttributeMap): AttributeMap | undefined {
    if (!this.enabled || body.ConsistentRead === true) return undefined;
    const table = typeof body.TableName === 'string' ? body.TableName : '';
    const stale = this.staleFor(table, (body.Key as AttributeMap | undefined) ?? {});
    if (!stale) return undefined;
    return stale.item ? { Item: stale.item } : {};
  }

  /** Rewrites a forwarded BatchGetItem answer: stale keys get their remembered items instead. */
  rewriteBatchGet(request: AttributeMap, answer: AttributeMap): { answer: AttributeMap; staleKeys: number } {
    if (!this.enabled) return { answer, staleKeys: 0 };
    const requested = (request.RequestItems ?? {}) as Record<
      string,
      { Keys?: AttributeMap[]; ConsistentRead?: boolean }
    >;
    const responses = { ...((answer.Responses ?? {}) as Record<string, AttributeMap[]>) };
    let staleKeys = 0;
    for (const [table, entry] of Object.entries(requested)) {
      if (entry.ConsistentRead) continue;
      for (const key of entry.Keys ?? []) {
        const stale = this.staleFor(table, key);
        if (!stale) continue;
        staleKeys++;
        const names = Object.keys(key);
        const same = (item: AttributeMap): boolean => keyId(table, pick(item, names)) === keyId(table, key);
        responses[table] = [
          ...(responses[table] ?? []).filter((item) => !same(item)),
          ...(stale.item ? [stale.item] : []),
        ];
      }
    }
    return { answer: { ...answer, Responses: responses }, staleKeys };
  }
}

function writesOf(operation: string, body: AttributeMap): KeyedWrite[] {
  const table = typeof body.TableName === 'string' ? body.TableName : '';
  switch (operation) {
    case 'PutItem':
      return [{ table, item: body.Item as AttributeMap }];
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ table, key: body.Key as AttributeMap }];
    case 'BatchWriteItem':
      return Object.entries((body.RequestItems ?? {}) as Record<string, AttributeMap[]>).flatMap(([name, requests]) =>
        requests.map((request) => {
          const put = request.PutRequest as { Item: AttributeMap } | undefined;
          const del = request.DeleteRequest as { Key: AttributeMap } | undefined;
          return put ? { table: name, item: put.Item } : { table: name, key: del?.Key ?? {} };
        }),
      );
    case 'TransactWriteItems':
      return ((body.TransactItems ?? []) as AttributeMap[]).flatMap((action): KeyedWrite[] => {
        const put = action.Put as { TableName: string; Item: AttributeMap } | undefined;
        const keyed = (action.Update ?? action.Delete) as { TableName: string; Key: AttributeMap } | undefined;
        if (put) return [{ table: put.TableName, item: put.Item }];
        return keyed ? [{ table: keyed.TableName, key: keyed.Key }] : [];
      });
    default:
      return [];
  }
}

function pick(item: AttributeMap, names: readonly string[]): AttributeMap {
  return Object.fromEntries(names.map((name) => [name, item[name]]));
}

/** Table and key, independent of attribute order. */
function keyId(table: string, key: AttributeMap): string {
  const entries = Object.entries(key).sort(([a], [b]) => a.localeCompare(b));
  return `${table}\u0000${JSON.stringify(entries)}`;
}
