import { batchGet, ValidationError, type DynamodelError } from '@dynamodel/executor';
import { CodecError } from '../codecs/codec';
import type { Item } from '../codecs/object-codec';
import type { Connection } from '../connection/connection';
import { defaultConnection } from '../connection/default-connection';
import { DecodeError } from '../errors/item-errors';
import { buildCondition, type ConditionInput } from '../expressions/condition';
import {
  collectionMembers,
  collectionParams,
  type CollectionMember,
  type CollectionPlan,
} from '../operations/collection/collection-params';
import { ReadResult, type ReadIO } from '../operations/read/paged-read';
import { keyOfItem } from '../operations/key';
import { encodeBatchKeys } from '../operations/batch/send-batch-get';
import type { AttributeName, KeyInput, PartialInstance, PartitionKeyOf } from './attributes';
import { describeKey } from './item-error-messages';
import type { Model, ModelClass } from './model';
import { repositoryFor, type Repository } from './repository';

/** The models of a collection, by the name their items are grouped under: `{ users: User, orders: Order }`. */
export type CollectionMembers = Readonly<Record<string, ModelClass<Model>>>;

/** An item of a collection: an instance of one of its models (narrow it with `instanceof`). */
export type CollectionItem<M extends CollectionMembers> = { [K in keyof M]: InstanceType<M[K]> }[keyof M];

/** A collection's items grouped by member: `{ users: User[], orders: Order[] }`. */
export type GroupedItems<M extends CollectionMembers, I = never> = {
  -readonly [K in keyof M]: ([I] extends [never] ? InstanceType<M[K]> : PartialInstance<InstanceType<M[K]>>)[];
};

/** A collection's key without typed members: the attributes of the partition templates, by name. */
export type LooseCollectionKey = Readonly<Record<string, string | number | bigint | boolean | Date>>;

type Intersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void ? I : never;

/**
 * What a collection query's key holds: every member's partition template properties, typed when
 * the members declare `EntityKeys` (`declare [Keys]?: EntityKeys<…>`), loose otherwise.
 */
export type CollectionKey<M extends CollectionMembers> = [
  { [K in keyof M]: PartitionKeyOf<InstanceType<M[K]>> }[keyof M],
] extends [never]
  ? LooseCollectionKey
  : Intersection<{ [K in keyof M]: PartitionKeyOf<InstanceType<M[K]>> }[keyof M]>;

/** Options of `collection.query`: those of `Model.query`, with filters and projections per member. */
export interface CollectionQueryOptions<M extends CollectionMembers> {
  /** Read an overloaded index of the shared table instead: each member's index templates give its partition. */
  readonly index?: string;
  readonly reverse?: boolean;
  /** Strongly consistent reads (not on a global index). */
  readonly consistent?: boolean;
  /** Items returned in all (or per `page()`), after the filters. */
  readonly limit?: number;
  /** DynamoDB's `Limit`: items evaluated per request, before the filters. */
  readonly pageSize?: number;
  /** Per member, what its items must meet; members without one are returned whole. */
  readonly filter?: { readonly [K in keyof M]?: ConditionInput<InstanceType<M[K]>> };
  /** Per member, the attributes to read (the keys always come back); its items are then partial. */
  readonly projection?: { readonly [K in keyof M]?: readonly AttributeName<InstanceType<M[K]>>[] };
  /**
   * `false` reads DynamoDB even when the pages would be cached (they are when every member caches
   * queries: `cache: { queries: true }`).
   */
  readonly cache?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * The result of a collection query: lazy pages of instances of the members' classes, as
 * `Model.query`'s (`for await`, `all()`, `first()`, `count()`, `page({ cursor, limit })`), and
 * `grouped()`.
 */
export class CollectionRead<M extends CollectionMembers, R> extends ReadResult<R> {
  constructor(
    private readonly members: M,
    ...read: ConstructorParameters<typeof ReadResult<R>>
  ) {
    super(...read);
  }

  /** Every item (up to `limit`), grouped by member in the order read; each member has a list, empty or not. */
  async grouped(): Promise<GroupedItems<M, R extends CollectionItem<M> ? never : R>> {
    const names = Object.keys(this.members);
    const groups = Object.fromEntries(names.map((name) => [name, [] as unknown[]])) as Record<string, unknown[]>;
    for (const item of await this.all()) {
      // Members' families are disjoint (collectionMembers), so an item is an instance of one member only.
      const owner = names.find((name) => item instanceof (this.members[name] as ModelClass<Model>));
      (groups[owner as string] as unknown[]).push(item);
    }
    return groups as GroupedItems<M, R extends CollectionItem<M> ? never : R>;
  }
}

/**
 * Several entities of one shared table read together (single-table design): one query of a
 * partition (or of an overloaded index) returns each item as an instance of its own class.
 * `defineCollection({ users: User, orders: Order })`, then `.query({ userId })`.
 */
export class Collection<M extends CollectionMembers> {
  private checked: { members: CollectionMember[]; memberOf: Map<string, string> } | undefined;

  constructor(
    readonly members: M,
    private readonly connection?: Connection,
  ) {}

  /** The same collection on another connection. */
  using(connection: Connection): Collection<M> {
    return new Collection(this.members, connection);
  }

  /** A label for messages and cursors: `collection(users, orders)`. */
  get label(): string {
    return `collection(${Object.keys(this.members).join(', ')})`;
  }

  /**
   * The members' items in one partition, in sort key order, read lazily page by page. `key` holds
   * the attributes of the members' partition templates (`{ userId: 'u1' }` for `USER#{userId}`);
   * every member must render the same partition from it. Everything is checked before the first
   * request.
   */
  query<const O extends CollectionQueryOptions<M> & { readonly index: string }>(
    key: LooseCollectionKey,
    options: O,
  ): CollectionRead<M, O extends { projection: object } ? PartialInstance<CollectionItem<M>> : CollectionItem<M>>;
  query<const O extends CollectionQueryOptions<M> = CollectionQueryOptions<M>>(
    key: CollectionKey<M>,
    options?: O,
  ): CollectionRead<M, O extends { projection: object } ? PartialInstance<CollectionItem<M>> : CollectionItem<M>>;
  query(key: unknown, options: CollectionQueryOptions<M> = {}): CollectionRead<M, CollectionItem<M>> {
    const connection = this.connection ?? defaultConnection();
    const repositories = new Map(
      Object.entries(this.members).map(([name, cls]) => [name, repositoryFor<Model>(cls, connection)]),
    );
    const { members, memberOf } = (this.checked ??= this.check(repositories));
    const first = repositories.get((members[0] as CollectionMember).name) as Repository<Model>;
    const collection = collectionParams(this.label, members, memberOf, first.tableName, {
      key,
      index: options.index,
      reverse: options.reverse,
      consistent: options.consistent,
      limit: options.limit,
      pageSize: options.pageSize,
      filters: perMember(options.filter as Readonly<Record<string, ConditionInput<object>>> | undefined, (input) =>
        buildCondition(input),
      ),
      projections: perMember(options.projection as Readonly<Record<string, readonly string[]>> | undefined, (p) => p),
    });
    type Result = CollectionItem<M>;
    // Pages are cached when every member caches queries (`cache: { queries: true }`), with the
    // first member's settings; a write to any entity of the partition invalidates them.
    const caches = [...repositories.values()].map((repository) => repository.queryCache(options));
    const pageCache = caches.every((cache) => cache !== undefined) ? caches[0] : undefined;
    const io: ReadIO<Result> = {
      send: first.reads.pageSender(collection.plan, pageCache),
      keep: collection.keep,
      decode: (item) => decodeMember(this.label, collection, repositories, item, first) as Result,
      cursorSecret: connection.cursorSecret,
    };
    return new CollectionRead<M, Result>(this.members, first.schema, collection.plan, io, options.signal);
  }

  /**
   * Reads the items of several entities by key in one stream of `BatchGetItem` calls (the executor's
   * batch engine: groups of 100, duplicates read once, unprocessed keys re-sent), each as its own
   * class (a member's subclass item as the subclass). Keys are checked before anything is sent;
   * an item of another entity under a member's key is a `DecodeError`, as for `get`. Not cached.
   */
  async batchGet(
    keys: CollectionKeys<M>,
    options: { readonly consistent?: boolean; readonly concurrency?: number; readonly signal?: AbortSignal } = {},
  ): Promise<CollectionBatchResult<M>> {
    const connection = this.connection ?? defaultConnection();
    const repositories = new Map(
      Object.entries(this.members).map(([name, cls]) => [name, repositoryFor<Model>(cls, connection)]),
    );
    const { members } = (this.checked ??= this.check(repositories));
    const positions: { member: string; index: number }[] = [];
    const encoded: Item[] = [];
    for (const [member, memberKeys] of Object.entries(
      keys as Readonly<Record<string, readonly unknown[] | undefined>>,
    )) {
      const repository = repositories.get(member);
      if (!repository) {
        throw new ValidationError(
          `${this.label}.batchGet: "${member}" is not a member (${[...repositories.keys()].join(', ')}); nothing was read`,
          {
            model: this.label,
            rule: 'collection',
          },
        );
      }
      const batch = await encodeBatchKeys(repository.schema, (memberKeys ?? []) as readonly KeyInput<Model>[]);
      batch.encoded.forEach((key, index) => {
        positions.push({ member, index });
        encoded.push(key);
      });
    }
    const first = repositories.get((members[0] as CollectionMember).name) as Repository<Model>;
    const target = connection.ready(first.schema) ?? (await connection.prepare(first.schema));
    const report = await batchGet(target.executor, target.tableName, encoded, {
      ...(options.consistent ? { consistentRead: true } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const items = Object.fromEntries(
      Object.keys(this.members).map((name) => [
        name,
        Array<unknown>(((keys as Record<string, readonly unknown[] | undefined>)[name] ?? []).length).fill(undefined),
      ]),
    ) as Record<string, unknown[]>;
    report.items.forEach((item, at) => {
      const { member, index } = positions[at] as { member: string; index: number };
      if (item) (items[member] as unknown[])[index] = (repositories.get(member) as Repository<Model>).decode(item);
    });
    return {
      items: items as CollectionBatchResult<M>['items'],
      failures: report.failures.map((failure) => {
        const { member, index } = positions[failure.index] as { member: string; index: number };
        return { member: member, index, reason: failure.reason };
      }),
      calls: report.calls,
    };
  }

  private check(repositories: ReadonlyMap<string, Repository<Model>>) {
    const members = [...repositories].map(([name, repository]) => ({ name, schema: repository.schema }));
    return { members, memberOf: collectionMembers(this.label, members) };
  }
}

/** The keys a collection's `batchGet` reads, per member: `{ users: [{ userId }], orders: [...] }`. */
export type CollectionKeys<M extends CollectionMembers> = {
  readonly [K in keyof M]?: readonly KeyInput<InstanceType<M[K]>>[];
};

/** What a collection's `batchGet` found: per member, an instance (or `undefined`) per key, in key order. */
export interface CollectionBatchResult<M extends CollectionMembers> {
  readonly items: { -readonly [K in keyof M]: (InstanceType<M[K]> | undefined)[] };
  /** Keys that could not be read (never reported as absent): the member, the key's position, why. */
  readonly failures: readonly {
    readonly member: keyof M & string;
    readonly index: number;
    readonly reason: DynamodelError;
  }[];
  /** `BatchGetItem` calls made. */
  readonly calls: number;
}

/** Declares a collection of entities of one shared table, by the names their items are grouped under. */
export function defineCollection<M extends CollectionMembers>(members: M): Collection<M> {
  return new Collection(members);
}

function perMember<V, R>(
  given: Readonly<Record<string, V | undefined>> | undefined,
  map: (value: V) => R,
): Map<string, R> {
  const result = new Map<string, R>();
  for (const [name, value] of Object.entries(given ?? {})) if (value !== undefined) result.set(name, map(value));
  return result;
}

/** An item as an instance of its member's class (a member's subclass entity as the subclass). */
function decodeMember(
  label: string,
  collection: CollectionPlan,
  repositories: ReadonlyMap<string, Repository<Model>>,
  item: Item,
  first: Repository<Model>,
): Model {
  const name = item[collection.entityAttribute]?.S;
  const member =
    name !== undefined
      ? collection.memberOf.get(name)
      : // No entity attribute: the first member that recognises the item (`@Entity({ match })`).
        [...repositories].find(([, candidate]) => candidate.schema.entity?.recognizes?.(item) === true)?.[0];
  const repository = member === undefined ? undefined : repositories.get(member);
  if (!repository) {
    // The filter keeps other items out; one can only come from an index that does not project the entity attribute.
    const error = new CodecError(
      `the item is ${name === undefined ? 'of no entity' : `a ${name}`}, not an item of ${label}`,
      'entity',
      item[collection.entityAttribute],
    );
    const key = describeKey(keyOfItem(first.schema, item));
    throw new DecodeError(
      `${label}: ${error.message} [entity] (item ${JSON.stringify(key)} in table ${first.tableName})`,
      {
        model: label,
        attribute: collection.entityAttribute,
        rule: 'entity',
        table: first.tableName,
        key,
      },
    );
  }
  const partial = collection.partial.get(member as string);
  if (!partial) return repository.decode(item);
  // The request read the union of the members' projections: a member's instance holds its own only.
  const own: Item = {};
  for (const name in item) if (partial.has(name)) own[name] = item[name] as NonNullable<Item[string]>;
  return repository.decodePart(own, partial);
}
