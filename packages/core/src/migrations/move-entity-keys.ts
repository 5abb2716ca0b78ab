import { DynamodelError, TransactionCanceledError, type Executor } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import type { Connection } from '../connection/connection';
import { defaultConnection } from '../connection/default-connection';
import { ModelDefinitionError } from '../errors/model-definition-error';
import type { AnyClass } from '../metadata/options';
import { repositoryFor, type Repository } from '../model/repository';
import type { ModelSchema } from '../schema/compile-model';
import { compileTemplate, type CompiledTemplate } from '../single-table/compile-template';
import type { KeyTemplates } from '../single-table/compile-entity';
import { inSettledPool } from './settled-pool';

export interface MoveEntityKeysOptions {
  /** The key templates the items were written with (the entity now declares the new ones). */
  readonly from: KeyTemplates & { readonly pk: string };
  readonly connection?: Connection;
  /** Items moved at once (each one `TransactWriteItems`). Default 8. */
  readonly concurrency?: number;
  /** Items the scan evaluates per request (`Limit`); default as many as fit in 1 MB. */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  /** Told after every page of the scan. */
  readonly onProgress?: (progress: MoveEntityKeysResult) => void;
}

export interface MoveEntityKeysResult {
  /** The entity's items the scan read. */
  readonly scanned: number;
  /** Items moved from their old key to their new one by this run. */
  readonly moved: number;
  /** Items already under their new key (moved by an earlier run, or written since). */
  readonly alreadyMoved: number;
  /** Items that could not be moved; each is still under its old key. */
  readonly failures: readonly { readonly key: Item; readonly reason: DynamodelError }[];
}

/**
 * Moves an entity's items from the keys its old templates gave them to the keys its templates give
 * now (a template changed: `USER#{id}` became `U#{tenant}#{id}`). Each item is moved by one
 * transaction that writes it under the new key, only if that key is free, and deletes the old one,
 * only if it still holds this entity's item: killed at any point, no item is lost or found twice, and
 * running it again moves what remains. Attributes the model does not declare travel with the item;
 * the index keys are computed again. A new key already taken by another item is a failure that
 * leaves the item where it was.
 */
export async function moveEntityKeys(model: AnyClass, options: MoveEntityKeysOptions): Promise<MoveEntityKeysResult> {
  const connection = options.connection ?? defaultConnection();
  const repository = repositoryFor<object>(model, connection);
  const { schema } = repository;
  const entity = schema.entity;
  if (!entity) {
    throw new ModelDefinitionError('moveEntityKeys moves the items of an entity of a shared table (@Entity)', {
      model: schema.model,
      rule: 'move-keys',
    });
  }
  const fields = new Map(schema.fields.map((field) => [field.property, field]));
  const old = {
    pk: compileTemplate(schema.model, entity.hashKey.name, options.from.pk, fields),
    sk:
      entity.rangeKey && options.from.sk !== undefined
        ? compileTemplate(schema.model, entity.rangeKey.name, options.from.sk, fields)
        : undefined,
  };
  if (entity.rangeKey && !old.sk) {
    throw new ModelDefinitionError(`from.sk: table ${entity.table.name} has a sort key, so give its old template`, {
      model: schema.model,
      rule: 'move-keys',
    });
  }
  const target = connection.ready(schema) ?? (await connection.prepare(schema));
  const result = { scanned: 0, moved: 0, alreadyMoved: 0, failures: [] as { key: Item; reason: DynamodelError }[] };
  let startKey: Item | undefined;
  do {
    options.signal?.throwIfAborted();
    const page = await repository.reads.sendPage(
      'Scan',
      {
        TableName: target.tableName,
        FilterExpression: '#et = :et',
        ExpressionAttributeNames: { '#et': entity.entityAttribute },
        ExpressionAttributeValues: { ':et': { S: entity.name } },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        ...(options.pageSize !== undefined ? { Limit: options.pageSize } : {}),
      },
      options.signal,
    );
    const items = page.Items ?? [];
    result.scanned += items.length;
    await inSettledPool(items, options.concurrency ?? 8, async (item) => {
      const outcome = await moveOne(target.executor, target.tableName, repository, schema, old, item, options.signal);
      if (outcome === 'moved') result.moved++;
      else if (outcome === 'already') result.alreadyMoved++;
      else result.failures.push(outcome);
    });
    startKey = page.LastEvaluatedKey;
    options.onProgress?.({ ...result, failures: [...result.failures] });
  } while (startKey);
  return result;
}

/** One item: already under its new key, moved, or why not. */
async function moveOne(
  executor: Executor,
  tableName: string,
  repository: Repository<object>,
  schema: ModelSchema,
  old: { pk: CompiledTemplate; sk: CompiledTemplate | undefined },
  item: Item,
  signal: AbortSignal | undefined,
): Promise<'moved' | 'already' | { key: Item; reason: DynamodelError }> {
  const entity = schema.entity as NonNullable<ModelSchema['entity']>;
  const hashName = entity.hashKey.name;
  const rangeName = entity.rangeKey?.name;
  const oldKey: Item = { [hashName]: item[hashName] as NonNullable<Item[string]> };
  if (rangeName) oldKey[rangeName] = item[rangeName] as NonNullable<Item[string]>;
  const instance = repository.decode(item);
  // The item's new keys (and index keys), computed as every write computes them.
  const moved: Item = { ...item };
  for (const field of schema.fields) {
    if (!field.compute || field.name === entity.entityAttribute) continue;
    const value = field.compute(instance);
    const encoded = value === undefined ? undefined : field.codec.encode(value, 0);
    if (encoded === undefined) delete moved[field.name];
    else moved[field.name] = encoded;
  }
  const sameKey =
    moved[hashName]?.S === oldKey[hashName]?.S && (!rangeName || moved[rangeName]?.S === oldKey[rangeName]?.S);
  if (sameKey) return 'already';
  const underOld =
    old.pk.render(instance) === oldKey[hashName]?.S &&
    (!old.sk || !rangeName || old.sk.render(instance) === oldKey[rangeName]?.S);
  if (!underOld) return 'already'; // neither the old nor the new format: another template wrote it
  try {
    await executor.send(
      'TransactWriteItems',
      {
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: moved,
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': hashName },
            },
          },
          {
            Delete: {
              TableName: tableName,
              Key: oldKey,
              ConditionExpression: '#et = :et',
              ExpressionAttributeNames: { '#et': entity.entityAttribute },
              ExpressionAttributeValues: { ':et': { S: entity.name } },
            },
          },
        ],
      },
      { signal, idempotent: true },
    );
    return 'moved';
  } catch (error) {
    if (error instanceof TransactionCanceledError) {
      const [put, remove] = [0, 1].map((index) => error.reasons.find((reason) => reason.index === index)?.code);
      const why =
        put === 'ConditionalCheckFailed'
          ? `the new key ${JSON.stringify(keyText(moved, hashName, rangeName))} holds another item`
          : remove === 'ConditionalCheckFailed'
            ? 'the item left its old key meanwhile'
            : error.message;
      return { key: oldKey, reason: new DynamodelError(`${schema.model}: not moved: ${why}`, { cause: error }) };
    }
    throw error;
  }
}

const keyText = (item: Item, hash: string, range: string | undefined): Record<string, string | undefined> => ({
  [hash]: item[hash]?.S,
  ...(range ? { [range]: item[range]?.S } : {}),
});
