import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from '../codecs/object-codec';

/**
 * A DynamoDB Streams record as Lambda delivers it (`event.Records[i]`: binary values as base64
 * text, the creation time in epoch seconds) or as the Streams API returns it
 * (`@aws-sdk/client-dynamodb-streams` `GetRecords`: binary values as bytes, the time as a `Date`).
 * Only what the decoder reads is typed; both shapes fit.
 */
export interface StreamRecordInput {
  readonly eventID?: string | undefined;
  /** `INSERT`, `MODIFY` or `REMOVE`. */
  readonly eventName?: string | undefined;
  readonly eventSourceARN?: string | undefined;
  readonly dynamodb?:
    | {
        readonly Keys?: Record<string, StreamAttributeValue> | undefined;
        readonly NewImage?: Record<string, StreamAttributeValue> | undefined;
        readonly OldImage?: Record<string, StreamAttributeValue> | undefined;
        readonly SequenceNumber?: string | undefined;
        readonly ApproximateCreationDateTime?: Date | number | undefined;
        readonly StreamViewType?: string | undefined;
      }
    | undefined;
  /**
   * Present on TTL deletions by the service: `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }`
   * in Lambda's shape, `{ Type, PrincipalId }` in the Streams API's.
   */
  readonly userIdentity?:
    | {
        readonly type?: string | undefined;
        readonly principalId?: string | undefined;
        readonly Type?: string | undefined;
        readonly PrincipalId?: string | undefined;
      }
    | undefined;
}

/** An attribute value in either shape: the SDK's, or Lambda's JSON with binaries as base64 text. */
export type StreamAttributeValue = AttributeValue | LambdaAttributeValue;

/** What Lambda's JSON holds where the SDK holds bytes. */
export interface LambdaAttributeValue {
  readonly B?: string;
  readonly BS?: readonly string[];
  readonly L?: readonly StreamAttributeValue[];
  readonly M?: Readonly<Record<string, StreamAttributeValue>>;
  readonly [other: string]: unknown;
}

/** What a record says happened. */
export type ChangeKind = 'insert' | 'modify' | 'remove';

const KINDS: Readonly<Record<string, ChangeKind>> = { INSERT: 'insert', MODIFY: 'modify', REMOVE: 'remove' };

/** A record's kind; `undefined` for an event name DynamoDB does not send. */
export function changeKind(record: StreamRecordInput): ChangeKind | undefined {
  const name = record.eventName;
  return name === undefined ? undefined : KINDS[name];
}

/** Whether a removal was DynamoDB's TTL expiring the item (the service's own identity on the record). */
export function isExpiry(record: StreamRecordInput): boolean {
  const identity = record.userIdentity;
  if (!identity) return false;
  return (
    (identity.type ?? identity.Type) === 'Service' &&
    (identity.principalId ?? identity.PrincipalId) === 'dynamodb.amazonaws.com'
  );
}

/** The record's approximate creation time: a `Date` from either shape. */
export function creationTime(record: StreamRecordInput): Date | undefined {
  const time = record.dynamodb?.ApproximateCreationDateTime;
  if (time === undefined) return undefined;
  return time instanceof Date ? time : new Date(time * 1000);
}

/**
 * An image as the SDK's AttributeValues: Lambda's base64 binaries become bytes. The image itself is
 * returned when it holds no binary text (the common case: one walk, no copy).
 */
export function sdkImage(image: Record<string, StreamAttributeValue>): Item {
  for (const name in image) {
    if (holdsBase64(image[name] as StreamAttributeValue)) return convertMap(image);
  }
  return image as Item;
}

function holdsBase64(value: StreamAttributeValue): boolean {
  const v = value as LambdaAttributeValue;
  if (typeof v.B === 'string') return true;
  if (v.BS !== undefined) return v.BS.some((member) => typeof member === 'string');
  if (v.L !== undefined) return v.L.some(holdsBase64);
  if (v.M !== undefined) {
    for (const name in v.M) if (holdsBase64(v.M[name] as StreamAttributeValue)) return true;
  }
  return false;
}

function convertMap(map: Readonly<Record<string, StreamAttributeValue>>): Item {
  const converted: Item = {};
  for (const name in map) converted[name] = convert(map[name] as StreamAttributeValue);
  return converted;
}

function convert(value: StreamAttributeValue): AttributeValue {
  const v = value as LambdaAttributeValue;
  if (typeof v.B === 'string') return { B: Buffer.from(v.B, 'base64') };
  if (v.BS !== undefined) {
    return { BS: v.BS.map((member) => (typeof member === 'string' ? Buffer.from(member, 'base64') : member)) };
  }
  if (v.L !== undefined) return { L: v.L.map(convert) };
  if (v.M !== undefined) return { M: convertMap(v.M) };
  return value as AttributeValue;
}
