import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { InputOf, OperationName, OutputOf } from '../operations';

/** The one thing we need of an SDK command: something `client.send` accepts. */
export type SdkCommand<Op extends OperationName> = Parameters<DynamoDBClient['send']>[0] & {
  readonly input: InputOf<Op>;
  /** Phantom: what `send` resolves with. */
  readonly __output?: OutputOf<Op>;
};

type CommandClass = new (input: never) => unknown;

const COMMANDS: Record<OperationName, CommandClass> = {
  GetItem: GetItemCommand,
  PutItem: PutItemCommand,
  UpdateItem: UpdateItemCommand,
  DeleteItem: DeleteItemCommand,
  Query: QueryCommand,
  Scan: ScanCommand,
  BatchGetItem: BatchGetItemCommand,
  BatchWriteItem: BatchWriteItemCommand,
  TransactGetItems: TransactGetItemsCommand,
  TransactWriteItems: TransactWriteItemsCommand,
  CreateTable: CreateTableCommand,
  DescribeTable: DescribeTableCommand,
  UpdateTable: UpdateTableCommand,
  DeleteTable: DeleteTableCommand,
  ListTables: ListTablesCommand,
  UpdateTimeToLive: UpdateTimeToLiveCommand,
  DescribeTimeToLive: DescribeTimeToLiveCommand,
  UpdateContinuousBackups: UpdateContinuousBackupsCommand,
  DescribeContinuousBackups: DescribeContinuousBackupsCommand,
};

/** Builds the SDK command object for an operation name. */
export function createCommand<Op extends OperationName>(operation: Op, input: InputOf<Op>): SdkCommand<Op> {
  const Command = COMMANDS[operation];
  return new Command(input as never) as SdkCommand<Op>;
}
