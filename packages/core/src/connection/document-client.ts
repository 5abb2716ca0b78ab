import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { ConfigurationError, DynamodelError, OPERATIONS, type Executor, type OperationName } from '@dynamodel/executor';
import { invalidateWrites } from './document-writes';
import type { Connection } from './connection';

/**
 * The header that ties a request to its command and marshalled input, which wait in a map for the
 * handler: signing copies the request object, so only what is in it (its headers) reaches there.
 */
const SENDING_HEADER = 'x-dynamodel-sending';

interface Sending {
  readonly operation: OperationName;
  readonly input: unknown;
  readonly signal: AbortSignal | undefined;
}

export interface DocumentClientOptions {
  /** lib-dynamodb's marshall and unmarshall options (`removeUndefinedValues`, `wrapNumbers`…). */
  readonly translateConfig?: TranslateConfig;
}

/**
 * A lib-dynamodb `DynamoDBDocumentClient` whose commands go through the connection's executor:
 * its concurrency cap, rate limit, retries and events, and, for writes, the invalidation of the
 * cache entries of the keys written (as a write through a model does).
 *
 * How: the document client marshalls as usual onto a `DynamoDBClient` that never opens a socket.
 * A middleware after serialization hands the command's name and marshalled input to the client's
 * request handler, which sends them with `executor.send` and answers with the output as DynamoDB's
 * JSON protocol would, for the document client to unmarshall. The base client makes one attempt:
 * retries are the executor's. An error is the executor's typed `DynamodelError`, its SDK exception
 * (`ConditionalCheckFailedException`…) as its `cause`.
 */
export function documentClientFor(connection: Connection, options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const waiting = new Map<string, Sending>();
  let next = 0;
  const base = new DynamoDBClient({
    // Never used to reach anything: the handler below answers every request.
    region: 'dynamodel',
    endpoint: 'http://dynamodel.invalid',
    credentials: { accessKeyId: 'dynamodel', secretAccessKey: 'dynamodel' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers?: Record<string, string> }) => {
        const id = request.headers?.[SENDING_HEADER] ?? '';
        const sending = waiting.get(id);
        waiting.delete(id);
        if (!sending) throw new DynamodelError('document client: a request reached the handler without its command');
        const executor = await connection.executor();
        const output = await send(executor, sending);
        await invalidateWrites(connection, sending.operation, sending.input);
        return { response: jsonResponse(output) };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  });
  base.middlewareStack.add(
    (nextHandler, context) => (args) => {
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      if (!(OPERATIONS as readonly string[]).includes(operation)) {
        throw new ConfigurationError(
          `document client: ${operation} is not one of the operations a Dynamodel executor sends (${OPERATIONS.join(', ')})`,
        );
      }
      const sending: Sending = {
        operation: operation as OperationName,
        input: args.input,
        signal: (args as { abortSignal?: AbortSignal }).abortSignal,
      };
      const id = String(next++);
      waiting.set(id, sending);
      (args.request as { headers: Record<string, string> }).headers[SENDING_HEADER] = id;
      return nextHandler(args).finally(() => waiting.delete(id));
    },
    { step: 'build', name: 'dynamodelExecutorCommand' },
  );
  return DynamoDBDocumentClient.from(base, options.translateConfig);
}

async function send(executor: Executor, sending: Sending): Promise<unknown> {
  return await executor.send(sending.operation, sending.input as never, { signal: sending.signal });
}

/** The output as the body of a DynamoDB JSON-protocol answer: binaries as base64, times as epoch seconds. */
function jsonResponse(output: unknown): object {
  const { $metadata: _metadata, ...body } = (output ?? {}) as Record<string, unknown>;
  const text = JSON.stringify(body, function (this: unknown, key, value: unknown) {
    // The replacer gets what toJSON made of a Date or a Buffer; its holder still has the original.
    const original = (this as Record<string, unknown>)[key];
    if (original instanceof Uint8Array) return Buffer.from(original).toString('base64');
    if (original instanceof Date) return original.getTime() / 1000;
    return value;
  });
  return {
    statusCode: 200,
    reason: 'OK',
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: Buffer.from(text, 'utf8'),
  };
}
