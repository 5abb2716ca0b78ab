import 'reflect-metadata';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnTable, type CfnTableProps } from 'aws-cdk-lib/aws-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  Entity,
  HashKey,
  Index,
  Model,
  ModelDefinitionError,
  RangeKey,
  Table,
  Ttl,
  createConnection,
  defineTable,
  tableDefinition,
  tableDefinitions,
  type Connection,
} from '../src';

// Issue 27 §1: the table definition generated from the models, for infrastructure code. A table
// created on DynamoDB Local from the exported definition is the table syncTables creates.

@Table({
  name: 'definition_orders',
  stream: 'NEW_AND_OLD_IMAGES',
  billing: { maxRead: 200, maxWrite: 100 },
  warmThroughput: { read: 12_000, write: 4_000 },
  pointInTimeRecovery: true,
  deletionProtection: true,
  tableClass: 'STANDARD_INFREQUENT_ACCESS',
  tags: { team: 'shop', cost: 'orders' },
})
class Order extends Model {
  @HashKey() customerId!: string;
  @RangeKey() orderId!: string;
  @Index('byStatus', { hash: true }) @Attribute() status!: string;
  @Index('byStatus', { range: 1 }) @Index('byPlaced', { range: true }) @Attribute() placed!: Date;
  @Index('byStatus', { range: 2 }) @Attribute() total!: number;
  @Ttl({ type: Date }) expires?: Date;
}

const shop = defineTable({
  name: 'definition_shop',
  hash: 'pk',
  range: 'sk',
  indexes: { gsi1: { hash: 'gsi1pk', range: 'gsi1sk' } },
  ttl: 'expires',
});

@Entity(shop, { keys: { pk: 'USER#{userId}', sk: 'PROFILE' }, indexes: { gsi1: { pk: 'EMAIL#{email}', sk: 'USER' } } })
class User extends Model {
  @Attribute() userId!: string;
  @Attribute() email!: string;
}

@Entity(shop, { keys: { pk: 'USER#{userId}', sk: 'ORDER#{orderId}' } })
class Purchase extends Model {
  @Attribute() userId!: string;
  @Attribute() orderId!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
const prefix = uniqueTablePrefix('definition');

beforeAll(() => {
  connection = createConnection({ ...config, prefix });
});
afterAll(async () => {
  await connection.close();
  raw.destroy();
});

/** What two tables of the same definition must share: everything but names, times, ARNs and sizes. */
function shape(table: TableDescription | undefined): unknown {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null || value instanceof Date) return value;
    const skip = new Set([
      'TableName',
      'TableArn',
      'TableId',
      'IndexArn',
      'CreationDateTime',
      'LatestStreamArn',
      'LatestStreamLabel',
      'LastIncreaseDateTime',
      'LastDecreaseDateTime',
      'LastUpdateToPayPerRequestDateTime',
      'TableSizeBytes',
      'IndexSizeBytes',
      'ItemCount',
    ]);
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !skip.has(key))
        .map(([key, inner]) => [key, strip(inner)]),
    );
  };
  return strip(table);
}

describe('tableDefinition', () => {
  it('creates on DynamoDB Local the same table as syncTables', async () => {
    const unsupported: string[] = [];
    connection.events.on('table-setting', (event) => unsupported.push(`${event.setting} ${event.status}`));
    await connection.syncTables([Order]);
    const synced = connection.tableName(Order.schema());
    // DynamoDB Local has no point-in-time recovery: syncTables says so and goes on.
    expect(unsupported).toEqual(['pointInTimeRecovery unsupported']);

    const definition = tableDefinition(Order, { prefix: `${prefix}x_` });
    expect(definition.tableName).toBe(`${prefix}x_definition_orders`);
    await raw.send(new CreateTableCommand(definition.createTable));
    await raw.send(
      new UpdateTimeToLiveCommand({
        TableName: definition.tableName,
        TimeToLiveSpecification: { AttributeName: definition.timeToLive, Enabled: true },
      }),
    );
    const [fromSync, fromDefinition] = await Promise.all(
      [synced, definition.tableName].map(
        async (name) => (await raw.send(new DescribeTableCommand({ TableName: name }))).Table,
      ),
    );
    expect(shape(fromDefinition)).toEqual(shape(fromSync));
    expect(fromDefinition).toMatchObject({
      DeletionProtectionEnabled: true,
      OnDemandThroughput: { MaxReadRequestUnits: 200, MaxWriteRequestUnits: 100 },
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const ttl = await raw.send(new DescribeTimeToLiveCommand({ TableName: synced }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expires', TimeToLiveStatus: 'ENABLED' });
  });

  it('gives the CreateTable input, TTL and PITR, with every declared setting', () => {
    const definition = tableDefinition(Order);
    expect(definition.createTable).toMatchObject({
      TableName: 'definition_orders',
      BillingMode: 'PAY_PER_REQUEST',
      OnDemandThroughput: { MaxReadRequestUnits: 200, MaxWriteRequestUnits: 100 },
      WarmThroughput: { ReadUnitsPerSecond: 12_000, WriteUnitsPerSecond: 4_000 },
      DeletionProtectionEnabled: true,
      TableClass: 'STANDARD_INFREQUENT_ACCESS',
      Tags: [
        { Key: 'cost', Value: 'orders' },
        { Key: 'team', Value: 'shop' },
      ],
    });
    const byStatus = definition.createTable.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'byStatus');
    expect(byStatus?.KeySchema).toEqual([
      { AttributeName: 'status', KeyType: 'HASH' },
      { AttributeName: 'placed', KeyType: 'RANGE' },
      { AttributeName: 'total', KeyType: 'RANGE' },
    ]);
    expect(definition.createTable.LocalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byPlaced']);
    expect(definition.timeToLive).toBe('expires');
    expect(definition.pointInTimeRecovery).toBe(true);
    expect(definition.models).toEqual(['Order']);
  });

  it('as a CloudFormation resource and as CDK CfnTable props', () => {
    const definition = tableDefinition(Order);
    const resource = definition.cloudFormation();
    expect(resource.Type).toBe('AWS::DynamoDB::Table');
    expect(resource.Properties).toMatchObject({
      TableName: 'definition_orders',
      KeySchema: [
        { AttributeName: 'customerId', KeyType: 'HASH' },
        { AttributeName: 'orderId', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TableClass: 'STANDARD_INFREQUENT_ACCESS',
      Tags: [
        { Key: 'cost', Value: 'orders' },
        { Key: 'team', Value: 'shop' },
      ],
    });
    // CloudFormation's StreamSpecification takes the view type only.
    expect(resource.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const props = definition.cdkProps();
    expect(props).toMatchObject({
      tableName: 'definition_orders',
      keySchema: [
        { attributeName: 'customerId', keyType: 'HASH' },
        { attributeName: 'orderId', keyType: 'RANGE' },
      ],
      billingMode: 'PAY_PER_REQUEST',
      onDemandThroughput: { maxReadRequestUnits: 200, maxWriteRequestUnits: 100 },
      timeToLiveSpecification: { attributeName: 'expires', enabled: true },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      tags: [
        { key: 'cost', value: 'orders' },
        { key: 'team', value: 'shop' },
      ],
    });
    expect(JSON.stringify(resource)).toBe(JSON.stringify(definition.cloudFormation()));
  });

  it('synthesises through aws-cdk-lib CfnTable into the same CloudFormation resource', () => {
    for (const definition of tableDefinitions([Order, shop])) {
      const stack = new Stack(new App(), 'Definitions');
      new CfnTable(stack, 'Table', definition.cdkProps<CfnTableProps>());
      const resources = Template.fromStack(stack).toJSON() as { Resources: Record<string, unknown> };
      expect(Object.values(resources.Resources)).toEqual([JSON.parse(JSON.stringify(definition.cloudFormation()))]);
    }
  });

  it('one definition for a shared table, whichever entities are given', () => {
    const fromTable = tableDefinition(shop);
    const fromEntity = tableDefinition(Purchase);
    expect([...fromTable.models].sort()).toEqual(['Purchase', 'User']);
    expect(fromEntity.createTable.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['gsi1']);
    expect(fromTable.timeToLive).toBe('expires');
    const [orders, shared] = tableDefinitions([Order, User, Purchase]);
    expect([orders?.tableName, shared?.tableName]).toEqual(['definition_orders', 'definition_shop']);
    expect(() => tableDefinition([Order, User])).toThrow(/the models live in 2 tables/);
  });

  it('refuses two models that define one table differently', () => {
    @Table({ name: 'definition_orders' })
    class OtherOrder extends Model {
      @HashKey() customerId!: string;
    }
    expect(() => tableDefinition([Order, OtherOrder])).toThrow(ModelDefinitionError);
    expect(() => tableDefinition([Order, OtherOrder])).toThrow(/defines table definition_orders otherwise than Order/);
  });

  it.each<[string, object, RegExp]>([
    ['a billing of another shape', { billing: { read: 1 } }, /billing must be/],
    ['a fractional maximum', { billing: { maxRead: 1.5 } }, /whole number/],
    ['warm throughput without units', { warmThroughput: {} }, /warmThroughput gives read and\/or write/],
    ['an unknown table class', { tableClass: 'COLD' }, /tableClass must be one of/],
    ['a tag key of the aws: namespace', { tags: { 'aws:x': 'y' } }, /not starting with "aws:"/],
    ['a non-boolean flag', { deletionProtection: 'yes' }, /deletionProtection must be true or false/],
  ])('refuses %s, naming the model', (_what, options, message) => {
    @Table({ name: 'definition_bad', ...options })
    class Bad extends Model {
      @HashKey() id!: string;
    }
    expect(() => Bad.schema()).toThrow(ModelDefinitionError);
    expect(() => Bad.schema()).toThrow(message);
  });
});
