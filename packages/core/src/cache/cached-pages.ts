import type { QueryCommandInput, QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../codecs/object-codec';
import type { ReadPlan } from '../operations/read/read-plan';
import type { ModelSchema } from '../schema/compile-model';
import { ItemTextError, mapFromText, mapToText, parseJson } from './item-text';
import type { Loaded, ModelCache } from './model-cache';

type PageOutput = Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey' | 'Count'>;
type SendPage = (params: QueryCommandInput, signal: AbortSignal | undefined) => Promise<PageOutput>;

/**
 * A query's page requests through the cache: each page (the query's parameters, its start key
 * included) is cached under a fingerprint of those parameters, as a member of the partition's
 * scope, or of the index's for a global index, so any write to the partition (or the table, for a
 * global index) drops it. Pages of the table and of local indexes are filled from strongly
 * consistent reads; a global index has none, and the store refuses its fills for `indexSettle`
 * after each write instead.
 */
export function cachedPages(
  cache: ModelCache,
  schema: ModelSchema,
  plan: ReadPlan,
  send: SendPage,
  /** Resolves once the connection knows its database (the store's entries are scoped by it); `undefined` when it does. */
  prepare: () => Promise<unknown> | undefined,
): SendPage {
  const indexName = plan.scope.index;
  const globalIndex =
    indexName !== undefined && schema.indexes.get(indexName)?.kind === 'global' ? indexName : undefined;
  return async (params, signal) => {
    await prepare();
    const ref = cache.pageRef(params, plan.scope.partition, globalIndex);
    const load = async (): Promise<Loaded> => ({
      text: pageToText(await send(globalIndex === undefined ? { ...params, ConsistentRead: true } : params, undefined)),
    });
    const read = await cache.read(ref, load, signal);
    try {
      return pageFromText(read.text);
    } catch (error) {
      if (!read.cached) throw error;
      await cache.dropGarbage(ref, error instanceof Error ? error.message : String(error));
      return send(params, signal);
    }
  };
}

function pageToText(page: PageOutput): string {
  return JSON.stringify({
    i: (page.Items ?? []).map(mapToText),
    ...(page.LastEvaluatedKey ? { k: mapToText(page.LastEvaluatedKey) } : {}),
    c: page.Count ?? page.Items?.length ?? 0,
  });
}

function pageFromText(text: string | undefined): PageOutput {
  if (text === undefined) throw new ItemTextError('a page read nothing');
  const json = parseJson(text);
  if (typeof json !== 'object' || json === null) throw new ItemTextError('not a cached page');
  const parsed = json as { i?: unknown; k?: unknown; c?: unknown };
  if (!Array.isArray(parsed.i) || typeof parsed.c !== 'number') throw new ItemTextError('not a cached page');
  const items = parsed.i.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new ItemTextError('a page item is not an object');
    return mapFromText(item as Record<string, unknown>);
  });
  let last: Item | undefined;
  if (parsed.k !== undefined) {
    if (typeof parsed.k !== 'object' || parsed.k === null) throw new ItemTextError('a page key is not an object');
    last = mapFromText(parsed.k as Record<string, unknown>);
  }
  return { Items: items, Count: parsed.c, ...(last ? { LastEvaluatedKey: last } : {}) };
}
