import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ModelDefinitionError } from '../errors/model-definition-error';
import type { AnyClass } from '../metadata/options';
import { SharedTable } from '../single-table/define-table';
import { entityClasses } from '../single-table/entity-registry';
import { compileModel, type ModelSchema } from './compile-model';
import { checkTableName, createTableInput } from './table-schema';

/** A CloudFormation resource of a table: `Resources: { Tweets: definition.cloudFormation() }`. */
export interface CloudFormationTable {
  readonly Type: 'AWS::DynamoDB::Table';
  readonly Properties: Readonly<Record<string, unknown>>;
}

/**
 * A table as the models define it, for infrastructure code: the exact `CreateTable` input (what
 * `syncTables` sends), the TTL and point-in-time recovery settings that take calls of their own,
 * and the same as a CloudFormation `AWS::DynamoDB::Table` resource or CDK `CfnTable` props.
 */
export interface TableDefinition {
  readonly tableName: string;
  /** The models (or entities) that live in it. */
  readonly models: readonly string[];
  readonly createTable: CreateTableCommandInput;
  /** The attribute DynamoDB's TTL reads, when the models have one (`UpdateTimeToLive` after creation). */
  readonly timeToLive: string | undefined;
  /** Continuous backups with point-in-time recovery (`UpdateContinuousBackups` after creation). */
  readonly pointInTimeRecovery: boolean;
  /** An `AWS::DynamoDB::Table` resource (JSON or YAML templates, the SAM `Resources` section). */
  cloudFormation(): CloudFormationTable;
  /**
   * The same resource as `aws-cdk-lib/aws-dynamodb` `CfnTable` props (the CloudFormation properties
   * with lower-case first letters). Core does not depend on aws-cdk-lib, so name the type:
   * `new CfnTable(stack, 'Tweets', definition.cdkProps<CfnTableProps>())`.
   */
  cdkProps<Props extends object = Readonly<Record<string, unknown>>>(): Props;
}

export interface TableDefinitionOptions {
  /** Put in front of every table name, as a connection's `prefix` does (`'prod_'`). */
  readonly prefix?: string;
}

/** What `tableDefinitions` takes: models, entities, shared tables (every entity declared on them). */
export type DefinitionSource = AnyClass | SharedTable;

/**
 * Every table the models live in, one definition each (entities of one shared table, or models
 * declaring one table, make one). Models on one table must define it alike
 * (`ModelDefinitionError` otherwise).
 */
export function tableDefinitions(
  sources: DefinitionSource | readonly DefinitionSource[],
  options: TableDefinitionOptions = {},
): TableDefinition[] {
  const byTable = new Map<string, ModelSchema[]>();
  for (const source of Array.isArray(sources) ? sources : [sources as DefinitionSource]) {
    for (const cls of source instanceof SharedTable ? sharedTableModels(source) : [source as AnyClass]) {
      const schema = compileModel(cls);
      const name = checkTableName(`${options.prefix ?? ''}${schema.table.baseName}`, schema.model);
      byTable.set(name, [...(byTable.get(name) ?? []), schema]);
    }
  }
  return [...byTable].map(([tableName, schemas]) => definitionOf(tableName, schemas));
}

/** The one table the models live in (`tableDefinitions` of models that share a table). */
export function tableDefinition(
  sources: DefinitionSource | readonly DefinitionSource[],
  options: TableDefinitionOptions = {},
): TableDefinition {
  const definitions = tableDefinitions(sources, options);
  if (definitions.length !== 1) {
    throw new ModelDefinitionError(
      `the models live in ${definitions.length} tables (${definitions.map((definition) => definition.tableName).join(', ')}): use tableDefinitions`,
      { model: 'tableDefinition', rule: 'table-definition' },
    );
  }
  return definitions[0] as TableDefinition;
}

function sharedTableModels(table: SharedTable): AnyClass[] {
  const entities = entityClasses(table);
  if (entities.length === 0) {
    throw new ModelDefinitionError(`table ${table.name} has no entity declared yet`, {
      model: `defineTable(${JSON.stringify(table.name)})`,
      rule: 'table-definition',
    });
  }
  return [...entities];
}

/** The definition of the table `schemas` (models of one table, under its full name) live in. */
export function definitionOf(tableName: string, schemas: readonly ModelSchema[]): TableDefinition {
  const [first] = schemas as [ModelSchema];
  const createTable = createTableInput(first.table, tableName);
  // Entities of one table list attribute definitions and indexes in their own field order.
  const described = (schema: ModelSchema) => {
    const input = createTableInput(schema.table, tableName);
    const byName = <E>(list: E[] | undefined, name: (element: E) => string | undefined) =>
      [...(list ?? [])].sort((a, b) => (name(a) ?? '').localeCompare(name(b) ?? ''));
    return JSON.stringify([
      {
        ...input,
        AttributeDefinitions: byName(input.AttributeDefinitions, (d) => d.AttributeName),
        GlobalSecondaryIndexes: byName(input.GlobalSecondaryIndexes, (i) => i.IndexName),
        LocalSecondaryIndexes: byName(input.LocalSecondaryIndexes, (i) => i.IndexName),
      },
      schema.table.ttlAttribute ?? null,
      schema.table.pointInTimeRecovery,
    ]);
  };
  for (const schema of schemas) {
    if (described(schema) !== described(first)) {
      throw new ModelDefinitionError(
        `defines table ${tableName} otherwise than ${first.model} does (keys, indexes or settings): models of one table must agree`,
        { model: schema.model, rule: 'table-definition' },
      );
    }
  }
  const timeToLive = first.table.ttlAttribute;
  const pointInTimeRecovery = first.table.pointInTimeRecovery;
  const cloudFormation = (): CloudFormationTable => ({
    Type: 'AWS::DynamoDB::Table',
    Properties: cloudFormationProperties(createTable, timeToLive, pointInTimeRecovery),
  });
  return Object.freeze({
    tableName,
    models: [...new Set(schemas.map((schema) => schema.model))],
    createTable,
    timeToLive,
    pointInTimeRecovery,
    cloudFormation,
    cdkProps: <Props extends object>() => lowerFirstKeys(cloudFormation().Properties) as Props,
  });
}

/**
 * `AWS::DynamoDB::Table` properties from the `CreateTable` input: the same names, except the
 * stream (`StreamSpecification` takes the view type only), and TTL and PITR, which CloudFormation
 * sets on the resource itself.
 */
function cloudFormationProperties(
  input: CreateTableCommandInput,
  timeToLive: string | undefined,
  pointInTimeRecovery: boolean,
): Record<string, unknown> {
  const { StreamSpecification, ...rest } = input;
  return {
    ...rest,
    ...(StreamSpecification?.StreamEnabled
      ? { StreamSpecification: { StreamViewType: StreamSpecification.StreamViewType } }
      : {}),
    ...(timeToLive !== undefined ? { TimeToLiveSpecification: { AttributeName: timeToLive, Enabled: true } } : {}),
    ...(pointInTimeRecovery ? { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } : {}),
  };
}

/** CDK's L1 props are CloudFormation's property names with a lower-case first letter, all the way down. */
function lowerFirstKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerFirstKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key.charAt(0).toLowerCase() + key.slice(1), lowerFirstKeys(inner)]),
  );
}
