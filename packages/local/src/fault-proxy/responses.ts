import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

const JSON_TYPE = 'application/x-amz-json-1.0';
const NAMESPACE = 'com.amazonaws.dynamodb.v20120810#';

/** Sends a DynamoDB-shaped JSON answer with the headers the service sends (request id, CRC32). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'Content-Type': JSON_TYPE,
    'Content-Length': String(text.length),
    'x-amzn-RequestId': randomUUID().replace(/-/g, '').toUpperCase(),
    'x-amz-crc32': String(crc32(text)),
  });
  res.end(text);
}

export function sendServiceError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra = {},
  namespace = NAMESPACE,
): void {
  sendJson(res, status, { __type: `${namespace}${code}`, message, ...extra });
}

/** A signature rejected as expired, with the server's clock 15 minutes ahead in `Date`. */
export function sendSkew(res: ServerResponse): void {
  const serverTime = new Date(Date.now() + 15 * 60_000);
  res.setHeader('Date', serverTime.toUTCString());
  sendServiceError(
    res,
    400,
    'InvalidSignatureException',
    `Signature expired: ${compact(new Date())} is now earlier than ${compact(new Date(serverTime.getTime() - 5 * 60_000))} ` +
      `(${compact(serverTime)} - 5 min.)`,
  );
}

function compact(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain',
    'Content-Length': String(Buffer.byteLength(text)),
    'x-amzn-RequestId': randomUUID().replace(/-/g, '').toUpperCase(),
  });
  res.end(text);
}

const PTE_MESSAGES = [
  'You exceeded your maximum allowed provisioned throughput.',
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
];
let pteCount = 0;

/** The throttling answers exactly as DynamoDB sends them; nothing may depend on the message text. */
export function sendThrottle(res: ServerResponse, kind: 'pte' | 'throttling' | 'requestLimit', table: string): void {
  const resource = `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;
  if (kind === 'pte') {
    sendServiceError(res, 400, 'ProvisionedThroughputExceededException', PTE_MESSAGES[pteCount++ % 2] ?? '', {
      ThrottlingReasons: [{ reason: 'TableWriteProvisionedThroughputExceeded', resource }],
    });
  } else if (kind === 'throttling') {
    sendServiceError(
      res,
      400,
      'ThrottlingException',
      'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.',
      { throttlingReasons: [{ reason: 'TableWriteKeyRangeThroughputExceeded', resource }] },
    );
  } else {
    sendServiceError(
      res,
      400,
      'RequestLimitExceeded',
      'Throughput exceeds the current throughput limit for your account.',
    );
  }
}
