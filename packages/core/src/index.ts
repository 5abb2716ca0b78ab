export { Model, type ModelClass } from './model/model';
export { Repository } from './model/repository';
export { Defaults, Indexes, Keys } from './model/attributes';
export type { EntityKeys, PartitionKeyOf, TemplateProperties } from './model/attributes';
export {
  ConditionBuilder,
  type Condition,
  type ConditionInput,
  type Path,
  type PathValue,
  type SizeOperand,
  type StoredTypeName,
} from './expressions/condition';
export type { PathInput } from './expressions/path';
export { UpdateBuilder, type UpdateAction, type UpdateInput } from './expressions/update';
export type {
  Attributes,
  BuildAttributes,
  CreateAttributes,
  CreateOptions,
  KeyArgs,
  DeleteOptions,
  GetOptions,
  KeyInput,
  WriteOptions,
  SaveOptions,
  UpdateResult,
  UpdateReturnValues,
  AttributeName,
  Projected,
  PartialInstance,
  IndexName,
  WhereModel,
  QueryKey,
  QueryOptions,
  ScanOptions,
  BatchWriteOptions,
  BatchWriteResult,
  BulkWriteOptions,
  BulkWriteResult,
  BulkProgress,
  BatchFailure,
  BatchProgress,
  BatchGetOptions,
  BatchGetResult,
  PutOpOptions,
  UpdateOpOptions,
  DeleteOpOptions,
  GetOpOptions,
} from './model/attributes';
export { transact, type TransactOptions } from './transactions/transact';
export { transactGet, type TransactGetResult } from './transactions/transact-get';
export type { TransactionGet, TransactionWrite, WriteActionKind } from './transactions/transaction-actions';
export { ReadResult, type Page, type PageOptions } from './operations/read/paged-read';
export { queryParams, type QueryRequest } from './operations/query/query-params';
export { scanParams, type ScanRequest } from './operations/scan/scan-params';
export type { ReadPlan } from './operations/read/read-plan';
export {
  defineTable,
  SharedTable,
  type AttributeIndexOptions,
  type KeyAttributeType,
  type SharedIndexOptions,
  type SharedTableOptions,
} from './single-table/define-table';
export type { EntityOptions, KeyTemplates } from './single-table/compile-entity';
export {
  Collection,
  CollectionRead,
  defineCollection,
  type CollectionItem,
  type CollectionKey,
  type CollectionMembers,
  type CollectionQueryOptions,
  type GroupedItems,
  type LooseCollectionKey,
} from './model/collection';
export {
  StreamDecoder,
  StreamRecordError,
  streamDecoder,
  type ModelChange,
  type StreamChange,
  type StreamChangeBase,
  type StreamDecoderOptions,
  type StreamSource,
  type UnknownChange,
} from './streams/stream-decoder';
export type { ChangeKind, StreamAttributeValue, StreamRecordInput } from './streams/stream-records';
export {
  StreamPoller,
  pollStream,
  type StreamBatch,
  type StreamCheckpoint,
  type StreamPollerOptions,
  type StreamRecord,
} from './streams/stream-poller';
export {
  StreamInvalidation,
  invalidateFromStream,
  type StreamInvalidationOptions,
} from './streams/stream-invalidation';
export {
  Attribute,
  CreatedAt,
  Entity,
  HashKey,
  Index,
  RangeKey,
  Table,
  Ttl,
  UpdatedAt,
  Version,
  type ClassDecorator,
  type PropertyDecorator,
} from './metadata/decorators';
export type {
  AnyClass,
  AttributeOptions,
  BillingOption,
  Duration,
  ElementOptions,
  IndexOptions,
  IndexProjection,
  ItemUpgrades,
  KeyOptions,
  ModelCacheOptions,
  StreamViewType,
  TableOptions,
  TableSettings,
  TypeSpec,
} from './metadata/options';
export {
  connect,
  createConnection,
  defaultConnection,
  disconnect,
  dropTables,
  syncTables,
} from './connection/default-connection';
export { isLocalEndpoint, type DropTablesOptions, type TableDropResult } from './connection/drop-table';
export { moveEntityKeys, type MoveEntityKeysOptions, type MoveEntityKeysResult } from './migrations/move-entity-keys';
export {
  defineMigration,
  isMigration,
  type Migration,
  type MigrationDefinition,
  type MigrationStep,
  type PlainItem,
} from './migrations/define-migration';
export {
  Migrator,
  migrator,
  type MigrationReport,
  type MigrationRunOptions,
  type MigrationStatus,
  type MigratorOptions,
} from './migrations/migrator';
export type { MigrationProgress } from './migrations/migration-worker';
export type { HistoryRecord, RunCounts, RunState } from './migrations/migration-store';
export { deadLettersToFile, type DeadLetter, type DeadLetterSink } from './migrations/dead-letters';
export { upgradeBackfill } from './migrations/upgrade-backfill';
export { MigrationError, type MigrationErrorCode } from './errors/migration-error';
export { planTables, type PlanOptions, type TablePlan } from './connection/plan-tables';
export { readLiveTable } from './connection/live-table';
export { applyPlan, type ApplyOptions, type ApplyProgress, type ApplyResult } from './connection/apply-plan';
export {
  describeChange,
  type BlockedChange,
  type LiveTable,
  type PlannedTable,
  type TableChange,
} from './schema/table-diff';
export { Connection, type ConnectOptions } from './connection/connection';
export type { DocumentClientOptions } from './connection/document-client';
export type { TableSyncResult, EnsureTableOptions } from './connection/ensure-table';
export { compileModel, type ModelSchema } from './schema/compile-model';
export { isDeclaredModel } from './metadata/registry';
export type { CompiledField } from './schema/compile-fields';
export type { IndexSchema } from './schema/compile-indexes';
export { createTableInput, type TableSchema } from './schema/table-schema';
export {
  tableDefinition,
  tableDefinitions,
  type CloudFormationTable,
  type DefinitionSource,
  type TableDefinition,
  type TableDefinitionOptions,
} from './schema/table-definition';
export { getItemParams } from './operations/get/get-params';
export { putItemParams } from './operations/put/put-params';
export { deleteItemParams } from './operations/delete/delete-params';
export { updateItemParams } from './operations/update/update-params';
export { keyFromArgs, type KeyValue } from './operations/key';
export { encodeItem } from './operations/encode-item';
export { Json } from './codecs/json-codec';
export { Uuid } from './codecs/scalar-codecs';
export { uuid } from './codecs/uuid';
export type { Codec, StoredType } from './codecs/codec';
export type { DateFormat } from './codecs/date-codec';
export type { EnumObject } from './codecs/enum-codec';
export type { UserCodec } from './codecs/custom-codec';
export { UNKNOWN_ATTRIBUTES, type Item } from './codecs/object-codec';
export { ModelDefinitionError, type ModelDefinitionErrorOptions } from './errors/model-definition-error';
export {
  DecodeError,
  EntityMismatchError,
  ItemExistsError,
  ItemNotFoundError,
  TableMismatchError,
  VersionConflictError,
} from './errors/item-errors';
export {
  BatchAbortedError,
  BatchStoppedError,
  ConditionFailedError,
  ConfigurationError,
  DynamodelError,
  IdempotentParameterMismatchError,
  OutcomeUnknownError,
  ResourceNotFoundError,
  ThrottledError,
  TransactionCanceledError,
  ValidationError,
  type CancellationReason,
  type CacheEvent,
  type CacheEventKind,
  type LocalDynamoEvent,
} from '@dynamodel/executor';
