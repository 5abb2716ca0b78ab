import { DynamodelError } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import type { Connection } from '../connection/connection';
import { defaultConnection } from '../connection/default-connection';
import { ModelDefinitionError } from '../errors/model-definition-error';
import type { AnyClass } from '../metadata/options';
import { repositoryFor, type Repository } from '../model/repository';
import { compileModel, type ModelSchema } from '../schema/compile-model';
import { SharedTable } from '../single-table/define-table';
import { entityClass, entityClasses, familyOf } from '../single-table/entity-registry';
import {
  changeKind,
  creationTime,
  isExpiry,
  sdkImage,
  type ChangeKind,
  type StreamRecordInput,
} from './stream-records';

/** What every change carries, whatever the item. */
export interface StreamChangeBase {
  readonly kind: ChangeKind;
  /** The item's key as stored (AttributeValues): what a cache or a projection is keyed by. */
  readonly keys: Item;
  readonly sequenceNumber: string | undefined;
  readonly eventId: string | undefined;
  /** When DynamoDB recorded the change (approximate; to the minute on DynamoDB Local). */
  readonly time: Date | undefined;
  /** A removal by DynamoDB's TTL rather than by a request. */
  readonly expired: boolean;
}

/** A change of an item of a known model: the images as instances of its class. */
export interface ModelChange<T> extends StreamChangeBase {
  /** The entity name (a model of its own table: its class name). */
  readonly entity: string;
  readonly model: AnyClass;
  /** The item after the change (`insert`, `modify`; absent on a stream without new images). */
  readonly newImage: T | undefined;
  /** The item before it (`modify`, `remove`; on streams with old images). */
  readonly oldImage: T | undefined;
}

/**
 * A change of an item the decoder cannot tell the model of: one without the entity attribute or
 * with an entity name no model declares (written outside Dynamodel), or a record of a `KEYS_ONLY`
 * stream (`fetch` reads the item). Never dropped: it still says which key changed.
 */
export interface UnknownChange extends StreamChangeBase {
  readonly entity: undefined;
  readonly model: undefined;
  /** The entity name the item holds, when it holds one no model declares. */
  readonly storedEntity: string | undefined;
  readonly newItem: Item | undefined;
  readonly oldItem: Item | undefined;
}

export type StreamChange<T> = ModelChange<T> | UnknownChange;

/** A record that is not a DynamoDB Streams change record (no known event name, no keys). */
export class StreamRecordError extends DynamodelError {
  override name = 'StreamRecordError';
}

/** What records are decoded for: every entity of a shared table, or the models of one table. */
export type StreamSource = SharedTable | readonly AnyClass[];

export interface StreamDecoderOptions {
  /** The connection decoded instances belong to (their `save()` goes there); default the default connection. */
  readonly connection?: Connection;
}

/**
 * Turns DynamoDB Streams records (Lambda's event shape or the Streams API's) into typed changes,
 * each image an instance of its own class: on a shared table chosen by the entity attribute (a
 * subclass entity as the subclass), on a model's own table that model. Images are decoded by the
 * models' codecs, with the same checks as a read (`DecodeError` for an item that does not fit).
 */
export class StreamDecoder<T extends object = object> {
  private readonly connection: Connection;
  private readonly entityAttribute: string | undefined;
  /** Entity name → the repository that decodes it (`null`: no model declares it). */
  private readonly byEntity = new Map<string, Repository<T> | null>();
  /** The one model of a table of its own. */
  private readonly only: Repository<T> | undefined;
  private readonly classes: readonly AnyClass[] | undefined;
  private readonly table: SharedTable | undefined;

  constructor(source: StreamSource, options: StreamDecoderOptions = {}) {
    this.connection = options.connection ?? defaultConnection();
    if (source instanceof SharedTable) {
      this.table = source;
      this.entityAttribute = source.entityAttribute;
      return;
    }
    const schemas = source.map((cls) => compileModel(cls));
    const fail = (message: string): never => {
      throw new ModelDefinitionError(message, { model: 'streamDecoder', rule: 'stream-models' });
    };
    if (schemas.length === 0) fail('names no model');
    const entities = schemas.filter((schema) => schema.entity);
    if (entities.length === 0) {
      if (schemas.length > 1) fail('models of their own tables are decoded one table at a time: give one model');
      this.only = repositoryFor<T>(source[0] as AnyClass, this.connection);
      return;
    }
    if (entities.length !== schemas.length) fail('mixes entities of a shared table with a model of its own table');
    const table = (entities[0] as ModelSchema).entity?.table as SharedTable;
    for (const schema of entities) {
      if (schema.entity?.table !== table) fail(`${schema.model} lives in another table than ${table.name}`);
    }
    this.table = table;
    this.entityAttribute = table.entityAttribute;
    this.classes = source;
  }

  /** Every record's change, in order. `records` may be Lambda's whole event (`{ Records }`). */
  decode(
    records: Iterable<StreamRecordInput> | { readonly Records?: Iterable<StreamRecordInput> | undefined },
  ): StreamChange<T>[] {
    const list = Symbol.iterator in records ? records : (records.Records ?? []);
    const changes: StreamChange<T>[] = [];
    for (const record of list) changes.push(this.decodeRecord(record));
    return changes;
  }

  /** One record's change. */
  decodeRecord(record: StreamRecordInput): StreamChange<T> {
    const kind = changeKind(record);
    const data = record.dynamodb;
    if (kind === undefined || !data?.Keys) {
      throw new StreamRecordError(
        `not a DynamoDB Streams change record (event ${JSON.stringify(record.eventName)}${data?.Keys ? '' : ', no Keys'})`,
      );
    }
    const newItem = data.NewImage ? sdkImage(data.NewImage) : undefined;
    const oldItem = data.OldImage ? sdkImage(data.OldImage) : undefined;
    // Built as one object literal (no spread of a base object): 100,000 records a second is the bar.
    return this.change(
      kind,
      sdkImage(data.Keys),
      data.SequenceNumber,
      record.eventID,
      creationTime(record),
      kind === 'remove' && isExpiry(record),
      newItem,
      oldItem,
    );
  }

  /**
   * For a change without images (a `KEYS_ONLY` stream, or an item of unknown model): the item as it
   * is now, read strongly consistent, decoded as its model (`newImage`; `undefined` when it is gone).
   */
  async fetch(change: StreamChange<T>): Promise<StreamChange<T>> {
    if (change.model !== undefined && change.newImage !== undefined) return change;
    const reader = this.only ?? this.anyRepository();
    const item = await reader.reads.readItem(change.keys);
    if (change.model === undefined) return this.again(change, item, change.oldItem);
    // A known model's change keeps its old image; the item now may even be another entity's.
    const now = item ? this.again(change, item, undefined) : undefined;
    return { ...change, newImage: now?.model === change.model ? now.newImage : undefined };
  }

  private change(
    kind: ChangeKind,
    keys: Item,
    sequenceNumber: string | undefined,
    eventId: string | undefined,
    time: Date | undefined,
    expired: boolean,
    newItem: Item | undefined,
    oldItem: Item | undefined,
  ): StreamChange<T> {
    const image = newItem ?? oldItem;
    const stored = image && this.entityAttribute !== undefined ? image[this.entityAttribute]?.S : undefined;
    const repository =
      this.only ?? (stored !== undefined ? this.repositoryOf(stored) : image ? this.recognizing(image) : undefined);
    if (!repository || !image) {
      const entity = undefined;
      const model = undefined;
      return {
        kind,
        keys,
        sequenceNumber,
        eventId,
        time,
        expired,
        entity,
        model,
        storedEntity: stored,
        newItem,
        oldItem,
      };
    }
    return {
      kind,
      keys,
      sequenceNumber,
      eventId,
      time,
      expired,
      entity: stored ?? repository.schema.model,
      model: repository.model,
      newImage: newItem ? repository.decode(newItem) : undefined,
      oldImage: oldItem ? repository.decode(oldItem) : undefined,
    };
  }

  /** The same change with its item read again (`fetch`). */
  private again(change: StreamChangeBase, newItem: Item | undefined, oldItem: Item | undefined): StreamChange<T> {
    const { kind, keys, sequenceNumber, eventId, time, expired } = change;
    return this.change(kind, keys, sequenceNumber, eventId, time, expired, newItem, oldItem);
  }

  /** The repository that decodes entity `name`: declared on the table (and, given classes, one of them or their subclasses). */
  private repositoryOf(name: string): Repository<T> | undefined {
    let repository = this.byEntity.get(name);
    if (repository === undefined) {
      const table = this.table as SharedTable;
      let cls = entityClass(table, name);
      if (cls && this.classes) {
        const covered = this.classes.some((given) => {
          const schema = compileModel(given);
          return schema.entity !== undefined && familyOf(table, schema.entity.name, given).classes.has(name);
        });
        if (!covered) cls = undefined;
      }
      repository = cls ? repositoryFor<T>(cls, this.connection) : null;
      this.byEntity.set(name, repository);
    }
    return repository ?? undefined;
  }

  /** For an item without the entity attribute: the first entity that recognises it (`@Entity({ match })`). */
  private recognizing(item: Item): Repository<T> | undefined {
    const candidates = this.classes ?? entityClasses(this.table as SharedTable);
    for (const cls of candidates) {
      if (compileModel(cls).entity?.recognizes?.(item)) return repositoryFor<T>(cls, this.connection);
    }
    return undefined;
  }

  /** A repository of the table, to read items whose model is not known yet. */
  private anyRepository(): Repository<T> {
    const cls = this.classes?.[0] ?? firstEntity(this.table as SharedTable);
    return repositoryFor<T>(cls, this.connection);
  }
}

function firstEntity(table: SharedTable): AnyClass {
  const cls = entityClasses(table)[0];
  if (!cls) {
    throw new ModelDefinitionError(`table ${table.name} has no entity declared yet`, {
      model: 'streamDecoder',
      rule: 'stream-models',
    });
  }
  return cls;
}

/** Decodes DynamoDB Streams records of a shared table or a model's table into typed changes. */
export function streamDecoder<T extends object = object>(
  source: StreamSource,
  options?: StreamDecoderOptions,
): StreamDecoder<T> {
  return new StreamDecoder<T>(source, options);
}
