import {
  ConditionFailedError,
  ResourceNotFoundError,
  type Executor,
  type InputOf,
  type OperationName,
  type OutputOf,
  type SendOptions,
} from '@dynamodel/executor';
import type { Connection, SendTarget } from '../connection/connection';
import type { ModelSchema } from '../schema/compile-model';
import { entityMismatchError, missingTableError } from './item-error-messages';

/**
 * Sends a model's requests to its table through the connection's executor: at once when the
 * connection is ready (the hot path: no extra await), after `prepare` otherwise. A table found
 * missing is forgotten by the connection; with `autoCreateTables` it is created again and the
 * request sent once more (nothing was applied: DynamoDB refused it), otherwise the error says how
 * to create it.
 */
export class TableSender {
  constructor(
    private readonly connection: Connection,
    private readonly schema: ModelSchema,
  ) {}

  /** Sends one request built for the model's table. */
  send<Op extends OperationName>(operation: Op, params: InputOf<Op>, options: SendOptions): Promise<OutputOf<Op>> {
    const target = this.connection.ready(this.schema);
    if (target) return this.sendTo(target, operation, params, options);
    return this.connection.prepare(this.schema).then((prepared) => this.sendTo(prepared, operation, params, options));
  }

  /** Not an async function: on the hot path that would add a promise and a microtask per request. */
  sendTo<Op extends OperationName>(
    target: SendTarget,
    operation: Op,
    params: InputOf<Op>,
    options: SendOptions,
  ): Promise<OutputOf<Op>> {
    let sent: Promise<OutputOf<Op>>;
    try {
      sent = target.executor.send(operation, params, options);
    } catch (error) {
      return this.sendAgain(error, target.tableName, operation, params, options); // an executor that threw at once
    }
    return sent.then(undefined, (error: unknown) =>
      this.sendAgain(error, target.tableName, operation, params, options),
    );
  }

  /** After a failed send: once more if the table was found missing (and created again), else the error. */
  async sendAgain<Op extends OperationName>(
    error: unknown,
    tableName: string,
    operation: Op,
    params: InputOf<Op>,
    options: SendOptions,
  ): Promise<OutputOf<Op>> {
    const again = await this.afterMissingTable(error, tableName);
    return again.executor.send(operation, params, options);
  }

  /** `send` for operations of several requests (a create resolving a lost answer). */
  async withTable<R>(work: (executor: Executor, tableName: string) => Promise<R>): Promise<R> {
    const target = this.connection.ready(this.schema) ?? (await this.connection.prepare(this.schema));
    try {
      return await work(target.executor, target.tableName);
    } catch (error) {
      const again = await this.afterMissingTable(error, target.tableName);
      return work(again.executor, again.tableName);
    }
  }

  /**
   * Rethrows anything but "this table does not exist" (see the class comment); an entity's write
   * refused because the key holds another entity's item as `EntityMismatchError`.
   */
  private async afterMissingTable(error: unknown, tableName: string): Promise<SendTarget> {
    if (error instanceof ConditionFailedError && this.schema.entity) {
      throw entityMismatchError(this.schema, tableName, error) ?? error;
    }
    if (!(error instanceof ResourceNotFoundError) || error.table !== tableName) throw error;
    await this.connection.forgetTable(tableName);
    if (!this.connection.autoCreateTables) throw missingTableError(this.schema, tableName, error);
    return this.connection.prepare(this.schema);
  }
}
