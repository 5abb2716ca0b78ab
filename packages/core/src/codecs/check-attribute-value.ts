import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CodecError, MAX_CONTAINER_DEPTH, describeValue } from './codec';
import { depthError } from './list-codec';
import { checkString } from './scalar-codecs';
import { numberToText } from './number-text';

/**
 * Checks an AttributeValue that did not come from one of our typed codecs (JSON documents, user
 * codecs) against DynamoDB's rules: one type member, numbers in range, non-empty sets without
 * duplicates, well-formed strings, at most 31 nested containers. Our own codecs check as they build.
 */
export function checkAttributeValue(value: AttributeValue, depth: number): void {
  if (typeof value !== 'object' || value === null) {
    throw new CodecError(`expected an AttributeValue, got ${describeValue(value)}`, 'codec-output', value);
  }
  const members = Object.keys(value).filter((key) => (value as unknown as Record<string, unknown>)[key] !== undefined);
  if (members.length !== 1) {
    throw new CodecError(
      `an AttributeValue needs exactly one type member, got ${members.join(', ') || 'none'}`,
      'codec-output',
      value,
    );
  }
  if (value.S !== undefined) checkString(value.S);
  else if (value.N !== undefined) checkNumberText(value.N);
  else if (value.B !== undefined) {
    if (!(value.B instanceof Uint8Array)) throw new CodecError('B must be a Uint8Array', 'codec-output', value.B);
  } else if (value.NULL !== undefined) {
    if (value.NULL !== true) throw new CodecError('NULL must be true', 'codec-output', value);
  } else if (value.SS !== undefined || value.NS !== undefined || value.BS !== undefined) {
    checkSet(value);
  } else if (value.L !== undefined || value.M !== undefined) {
    if (depth >= MAX_CONTAINER_DEPTH) throw depthError(value);
    const entries: [string, AttributeValue][] = value.L
      ? value.L.map((item, i) => [String(i), item])
      : Object.entries(value.M ?? {});
    for (const [segment, item] of entries) {
      if (value.M && segment === '') throw new CodecError('a map key is empty', 'empty-name', value);
      try {
        checkAttributeValue(item, depth + 1);
      } catch (error) {
        CodecError.within(error, segment);
      }
    }
  }
}

function checkNumberText(text: string): void {
  const number = Number(text);
  if (text.trim() === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw new CodecError(`"${text}" is not a number DynamoDB can read`, 'finite', text);
  }
  numberToText(number); // range check
  if (
    text
      .replace(/[eE].*$/, '')
      .replace(/\D/g, '')
      .replace(/^0+/, '')
      .replace(/0+$/, '').length > 38
  ) {
    throw new CodecError(`${text} has more than 38 significant digits`, 'precision', text);
  }
}

function checkSet(value: AttributeValue): void {
  const elements: unknown[] = value.SS ?? value.NS ?? value.BS ?? [];
  if (elements.length === 0) throw new CodecError('a set is empty; DynamoDB rejects empty sets', 'empty-set', value);
  const seen = new Set<string>();
  for (const element of elements) {
    let text: string;
    if (value.BS) text = Buffer.from(element as Uint8Array).toString('latin1');
    else if (value.NS) {
      checkNumberText(element as string);
      text = String(Number(element));
    } else text = checkString(element);
    if (seen.has(text)) throw new CodecError('the set holds duplicates', 'set-duplicates', value);
    seen.add(text);
  }
}
