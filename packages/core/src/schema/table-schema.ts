import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  LocalSecondaryIndex,
  KeySchemaElement,
  StreamSpecification,
} from '@aws-sdk/client-dynamodb';
import { ModelDefinitionError } from '../errors/model-definition-error';

/**
 * Everything DynamoDB needs to know about a model's table, frozen at compile time. The full table
 * name depends on the connection's prefix, so it is applied by `tableNameFor`.
 */
export interface TableSchema {
  /** The table option's prefix and name, without the connection's prefix. */
  readonly baseName: string;
  readonly keySchema: readonly KeySchemaElement[];
  readonly attributeDefinitions: readonly AttributeDefinition[];
  readonly billing: 'PAY_PER_REQUEST' | { readonly read: number; readonly write: number };
  /** The stored attribute DynamoDB's TTL reads, when the model has one. */
  readonly ttlAttribute: string | undefined;
  readonly stream: StreamSpecification | undefined;
  readonly globalIndexes: readonly GlobalSecondaryIndex[];
  readonly localIndexes: readonly LocalSecondaryIndex[];
  /** An on-demand table's maximum request units per second (`OnDemandThroughput`), when declared. */
  readonly onDemandMaximum: { readonly read?: number; readonly write?: number } | undefined;
  readonly warmThroughput: { readonly read?: number; readonly write?: number } | undefined;
  readonly pointInTimeRecovery: boolean;
  readonly deletionProtection: boolean;
  readonly tableClass: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS' | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

const TABLE_NAME = /^[A-Za-z0-9_.-]+$/;

/** Checks a table name by DynamoDB's rule: 3 to 255 characters of `A-Z a-z 0-9 _ . -`. */
export function checkTableName(name: string, model: string): string {
  if (name.length < 3 || name.length > 255 || !TABLE_NAME.test(name)) {
    throw new ModelDefinitionError(
      `table name "${name.length > 60 ? `${name.slice(0, 57)}...` : name}" is invalid: DynamoDB table names are ` +
        '3 to 255 characters of A-Z, a-z, 0-9, "_", "." and "-" (connection prefix included)',
      { model, rule: 'table-name' },
    );
  }
  return name;
}

/** The exact `CreateTable` input for a schema under a given (prefixed) table name. */
export function createTableInput(schema: TableSchema, tableName: string): CreateTableCommandInput {
  const billing =
    schema.billing === 'PAY_PER_REQUEST'
      ? { BillingMode: 'PAY_PER_REQUEST' as const }
      : {
          BillingMode: 'PROVISIONED' as const,
          ProvisionedThroughput: { ReadCapacityUnits: schema.billing.read, WriteCapacityUnits: schema.billing.write },
        };
  return {
    TableName: tableName,
    KeySchema: schema.keySchema.map((element) => ({ ...element })),
    AttributeDefinitions: schema.attributeDefinitions.map((definition) => ({ ...definition })),
    ...billing,
    ...(schema.globalIndexes.length > 0
      ? { GlobalSecondaryIndexes: schema.globalIndexes.map((index) => globalIndexInput(schema, index)) }
      : {}),
    ...(schema.localIndexes.length > 0
      ? {
          LocalSecondaryIndexes: schema.localIndexes.map((index) => ({
            ...index,
            KeySchema: index.KeySchema?.map((element) => ({ ...element })),
            Projection: { ...index.Projection },
          })),
        }
      : {}),
    ...(schema.stream ? { StreamSpecification: { ...schema.stream } } : {}),
    ...(schema.onDemandMaximum ? { OnDemandThroughput: onDemandThroughput(schema.onDemandMaximum) } : {}),
    ...(schema.warmThroughput ? { WarmThroughput: warmThroughput(schema.warmThroughput) } : {}),
    ...(schema.deletionProtection ? { DeletionProtectionEnabled: true } : {}),
    ...(schema.tableClass ? { TableClass: schema.tableClass } : {}),
    ...(Object.keys(schema.tags).length > 0
      ? {
          // Sorted by key, as CDK writes them: a definition and its synthesised template agree.
          Tags: Object.entries(schema.tags)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([Key, Value]) => ({ Key, Value })),
        }
      : {}),
  };
}

/** DynamoDB's `OnDemandThroughput` of declared maximums (an absent one is no maximum). */
export function onDemandThroughput(maximum: NonNullable<TableSchema['onDemandMaximum']>): {
  MaxReadRequestUnits?: number;
  MaxWriteRequestUnits?: number;
} {
  return {
    ...(maximum.read !== undefined ? { MaxReadRequestUnits: maximum.read } : {}),
    ...(maximum.write !== undefined ? { MaxWriteRequestUnits: maximum.write } : {}),
  };
}

/** DynamoDB's `WarmThroughput` of declared units per second. */
export function warmThroughput(warm: NonNullable<TableSchema['warmThroughput']>): {
  ReadUnitsPerSecond?: number;
  WriteUnitsPerSecond?: number;
} {
  return {
    ...(warm.read !== undefined ? { ReadUnitsPerSecond: warm.read } : {}),
    ...(warm.write !== undefined ? { WriteUnitsPerSecond: warm.write } : {}),
  };
}

/** A GSI as `CreateTable` and `UpdateTable` take it: a provisioned table's GSIs get the table's capacity. */
export function globalIndexInput(schema: TableSchema, index: GlobalSecondaryIndex): GlobalSecondaryIndex {
  return {
    IndexName: index.IndexName,
    KeySchema: index.KeySchema?.map((element) => ({ ...element })),
    Projection: { ...index.Projection },
    ...(schema.billing === 'PAY_PER_REQUEST'
      ? {}
      : {
          ProvisionedThroughput: {
            ReadCapacityUnits: schema.billing.read,
            WriteCapacityUnits: schema.billing.write,
          },
        }),
  };
}
