import { AwsJson1_0Protocol } from '@aws-sdk/core/protocols';
import type {
  EndpointBearer,
  HandlerExecutionContext,
  HttpRequest,
  OperationSchema,
  SerdeFunctions,
} from '@smithy/types';
import { compilePlainJsonCheck, type PlainJsonCheck } from './plain-json-check';

type SerdeContext = HandlerExecutionContext & SerdeFunctions & EndpointBearer;

/**
 * DynamoDB's JSON protocol (the SDK's own `AwsJson1_0Protocol`, which the client builds with its
 * default settings and error registry), with request bodies written by V8's native `JSON.stringify`
 * whenever that gives the JSON the SDK would write. The SDK's schema serializer walks every item
 * attribute and copies every string character by character in JavaScript: for a bulk write that is
 * most of the client's work per request, and slow in a fresh process until the JIT has compiled it.
 *
 * The SDK still builds the request (endpoint, path, headers) from an empty input, and serializes
 * every input the plain-JSON check does not accept (plain-json-check.ts): binary attributes,
 * timestamps, idempotency tokens, unknown or null members. Headers that depend on the body (its
 * length, its hash for the signature) are computed by later steps of the stack, from this body.
 */
export class NativeJsonProtocol extends AwsJson1_0Protocol {
  /** The compiled check per operation (`undefined`: an input shape only the SDK serializes). */
  private readonly checks = new Map<string, PlainJsonCheck | undefined>();

  override async serializeRequest<Input extends object>(
    operationSchema: OperationSchema,
    input: Input,
    context: SerdeContext,
  ): Promise<HttpRequest> {
    if (!this.isPlain(operationSchema, input)) return super.serializeRequest(operationSchema, input, context);
    const request = await super.serializeRequest(operationSchema, {}, context);
    request.body = JSON.stringify(input);
    return request;
  }

  private isPlain(operationSchema: OperationSchema, input: unknown): boolean {
    const name = `${operationSchema.namespace}#${operationSchema.name}`;
    let check = this.checks.get(name);
    if (check === undefined && !this.checks.has(name)) {
      check = compilePlainJsonCheck(operationSchema.input);
      this.checks.set(name, check);
    }
    return check !== undefined && check(input);
  }
}
