import { CodecError, storedTypeError, typeError, type Codec } from './codec';
import { numberToText } from './number-text';

/**
 * How a Date is stored: an ISO 8601 string (default; sorts correctly as a sort key), or epoch
 * seconds or milliseconds as a number (`epochSeconds` is what DynamoDB's TTL reads; it drops the
 * milliseconds).
 */
export type DateFormat = 'iso' | 'epochSeconds' | 'epochMillis';

function checkDate(value: unknown): number {
  if (!(value instanceof Date)) throw typeError('Date', value);
  const time = value.getTime();
  if (Number.isNaN(time)) throw new CodecError('the Date is invalid (its time is NaN)', 'invalid-date', value);
  return time;
}

function parsedDate(time: number, text: string): Date {
  if (Number.isNaN(time)) throw new CodecError(`stored value "${text}" is not a date`, 'stored-type', text);
  return new Date(time);
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/**
 * `date.toISOString()`, built from the UTC fields: the same text (tested against `toISOString`
 * over many dates), about 3× faster in V8, which matters because a Date is often the most costly
 * field of an item to encode. Years outside 1000–9999 take `toISOString` itself.
 */
export function isoString(date: Date): string {
  const year = date.getUTCFullYear();
  if (year < 1000 || year > 9999) return date.toISOString();
  const ms = date.getUTCMilliseconds();
  return (
    `${year}-${TWO_DIGITS[date.getUTCMonth() + 1]}-${TWO_DIGITS[date.getUTCDate()]}` +
    `T${TWO_DIGITS[date.getUTCHours()]}:${TWO_DIGITS[date.getUTCMinutes()]}:${TWO_DIGITS[date.getUTCSeconds()]}` +
    `.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`
  );
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The two-digit number at `i`, or -1 when either character is not a digit. */
function twoDigits(text: string, i: number): number {
  const tens = text.charCodeAt(i) - 48;
  const ones = text.charCodeAt(i + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/**
 * `Date.parse(text)`, with a fast path for the exact form `isoString` writes (about 2× faster in
 * V8): every digit and separator checked, and a day that the month does not have left to
 * `Date.parse`, so the result is always the same as `Date.parse`'s (tested against it).
 */
export function parseIsoString(text: string): number {
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46 || // .
    text.charCodeAt(23) !== 90 // Z
  ) {
    return Date.parse(text);
  }
  const century = twoDigits(text, 0);
  const yearOfCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hours = twoDigits(text, 11);
  const minutes = twoDigits(text, 14);
  const seconds = twoDigits(text, 17);
  const msHigh = twoDigits(text, 20);
  const msLow = text.charCodeAt(22) - 48;
  const year = century * 100 + yearOfCentury;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (
    century < 10 ||
    yearOfCentury < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > (DAYS_IN_MONTH[month - 1] as number) + (leap ? 1 : 0) ||
    hours < 0 ||
    hours > 23 ||
    minutes < 0 ||
    minutes > 59 ||
    seconds < 0 ||
    seconds > 59 ||
    msHigh < 0 ||
    msLow < 0 ||
    msLow > 9
  ) {
    return Date.parse(text);
  }
  return Date.UTC(year, month - 1, day, hours, minutes, seconds, msHigh * 10 + msLow);
}

const iso: Codec<Date> = {
  storedType: 'S',
  label: 'Date',
  encode: (value) => {
    checkDate(value);
    return { S: isoString(value as Date) };
  },
  decode(value) {
    if (value.S === undefined) throw storedTypeError('Date', 'S, ISO 8601', value);
    return parsedDate(parseIsoString(value.S), value.S);
  },
};

const epochSeconds: Codec<Date> = {
  storedType: 'N',
  label: 'Date',
  encode: (value) => ({ N: numberToText(Math.floor(checkDate(value) / 1000)) }),
  decode(value) {
    if (value.N === undefined) throw storedTypeError('Date', 'N, epoch seconds', value);
    return parsedDate(Number(value.N) * 1000, value.N);
  },
};

const epochMillis: Codec<Date> = {
  storedType: 'N',
  label: 'Date',
  encode: (value) => ({ N: numberToText(checkDate(value)) }),
  decode(value) {
    if (value.N === undefined) throw storedTypeError('Date', 'N, epoch milliseconds', value);
    return parsedDate(Number(value.N), value.N);
  },
};

const DATE_CODECS: Record<DateFormat, Codec<Date>> = { iso, epochSeconds, epochMillis };

export function dateCodec(format: DateFormat = 'iso'): Codec<Date> {
  return DATE_CODECS[format];
}

/** Whether a codec stores Dates (in any format). */
export function isDateCodec(codec: Codec): boolean {
  return Object.values(DATE_CODECS).includes(codec as Codec<Date>);
}

export const DATE_FORMATS = Object.keys(DATE_CODECS) as DateFormat[];
