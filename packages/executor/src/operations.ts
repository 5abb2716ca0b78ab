import type {
  BatchGetItemCommandInput,
  BatchGetItemCommandOutput,
  BatchWriteItemCommandInput,
  BatchWriteItemCommandOutput,
  CreateTableCommandInput,
  CreateTableCommandOutput,
  DeleteItemCommandInput,
  DeleteItemCommandOutput,
  DeleteTableCommandInput,
  DeleteTableCommandOutput,
  DescribeContinuousBackupsCommandInput,
  DescribeContinuousBackupsCommandOutput,
  DescribeTableCommandInput,
  DescribeTableCommandOutput,
  DescribeTimeToLiveCommandInput,
  DescribeTimeToLiveCommandOutput,
  GetItemCommandInput,
  GetItemCommandOutput,
  ListTablesCommandInput,
  ListTablesCommandOutput,
  PutItemCommandInput,
  PutItemCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactGetItemsCommandInput,
  TransactGetItemsCommandOutput,
  TransactWriteItemsCommandInput,
  TransactWriteItemsCommandOutput,
  UpdateItemCommandInput,
  UpdateItemCommandOutput,
  UpdateContinuousBackupsCommandInput,
  UpdateContinuousBackupsCommandOutput,
  UpdateTableCommandInput,
  UpdateTableCommandOutput,
  UpdateTimeToLiveCommandInput,
  UpdateTimeToLiveCommandOutput,
} from '@aws-sdk/client-dynamodb';

/** Every DynamoDB operation an executor carries, with the AWS SDK v3's own input and output types. */
export interface OperationMap {
  GetItem: { input: GetItemCommandInput; output: GetItemCommandOutput };
  PutItem: { input: PutItemCommandInput; output: PutItemCommandOutput };
  UpdateItem: { input: UpdateItemCommandInput; output: UpdateItemCommandOutput };
  DeleteItem: { input: DeleteItemCommandInput; output: DeleteItemCommandOutput };
  Query: { input: QueryCommandInput; output: QueryCommandOutput };
  Scan: { input: ScanCommandInput; output: ScanCommandOutput };
  BatchGetItem: { input: BatchGetItemCommandInput; output: BatchGetItemCommandOutput };
  BatchWriteItem: { input: BatchWriteItemCommandInput; output: BatchWriteItemCommandOutput };
  TransactGetItems: { input: TransactGetItemsCommandInput; output: TransactGetItemsCommandOutput };
  TransactWriteItems: { input: TransactWriteItemsCommandInput; output: TransactWriteItemsCommandOutput };
  CreateTable: { input: CreateTableCommandInput; output: CreateTableCommandOutput };
  DescribeTable: { input: DescribeTableCommandInput; output: DescribeTableCommandOutput };
  UpdateTable: { input: UpdateTableCommandInput; output: UpdateTableCommandOutput };
  DeleteTable: { input: DeleteTableCommandInput; output: DeleteTableCommandOutput };
  ListTables: { input: ListTablesCommandInput; output: ListTablesCommandOutput };
  UpdateTimeToLive: { input: UpdateTimeToLiveCommandInput; output: UpdateTimeToLiveCommandOutput };
  DescribeTimeToLive: { input: DescribeTimeToLiveCommandInput; output: DescribeTimeToLiveCommandOutput };
  UpdateContinuousBackups: { input: UpdateContinuousBackupsCommandInput; output: UpdateContinuousBackupsCommandOutput };
  DescribeContinuousBackups: {
    input: DescribeContinuousBackupsCommandInput;
    output: DescribeContinuousBackupsCommandOutput;
  };
}

export type OperationName = keyof OperationMap;

/** Every operation name, at run time (a record, so a name added to the map must be added here). */
export const OPERATIONS: readonly OperationName[] = Object.keys({
  GetItem: true,
  PutItem: true,
  UpdateItem: true,
  DeleteItem: true,
  Query: true,
  Scan: true,
  BatchGetItem: true,
  BatchWriteItem: true,
  TransactGetItems: true,
  TransactWriteItems: true,
  CreateTable: true,
  DescribeTable: true,
  UpdateTable: true,
  DeleteTable: true,
  ListTables: true,
  UpdateTimeToLive: true,
  DescribeTimeToLive: true,
  UpdateContinuousBackups: true,
  DescribeContinuousBackups: true,
} satisfies Record<OperationName, true>) as OperationName[];
export type InputOf<Op extends OperationName> = OperationMap[Op]['input'];
export type OutputOf<Op extends OperationName> = OperationMap[Op]['output'];

/** Operations that change data: a lost response leaves their outcome unknown. */
const DATA_WRITES: ReadonlySet<OperationName> = new Set<OperationName>([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

export function isDataWrite(op: OperationName): boolean {
  return DATA_WRITES.has(op);
}

/** Operations that consume read or write capacity and accept `ReturnConsumedCapacity`. */
export const CAPACITY_OPERATIONS: ReadonlySet<OperationName> = new Set<OperationName>([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

/** The table a request is about, when it names exactly one (for errors and events). */
export function tableOf(input: object): string | undefined {
  const named = (input as { TableName?: unknown }).TableName;
  if (typeof named === 'string') return named;
  const batch = (input as { RequestItems?: Record<string, unknown> }).RequestItems;
  if (batch) {
    const tables = Object.keys(batch);
    return tables.length === 1 ? tables[0] : undefined;
  }
  return undefined;
}
