import { CodecError } from './codec';

/** DynamoDB numbers: at most 38 significant digits, magnitude within 1E-130 … 9.99…E+125 (docs/reliability.md §1). */
const MAX_DIGITS = 38;
const MAX_MAGNITUDE = 1e126;
const MIN_MAGNITUDE = 1e-130;
const MAX_BIGINT = 10n ** 126n;

/** `n` as DynamoDB's N text; rejects NaN, ±Infinity and magnitudes DynamoDB cannot store. */
export function numberToText(n: number): string {
  if (!Number.isFinite(n)) {
    throw new CodecError(`${String(n)} is not a number DynamoDB can store (finite numbers only)`, 'finite', n);
  }
  const magnitude = Math.abs(n);
  if (magnitude >= MAX_MAGNITUDE) {
    throw new CodecError(`${n} is larger than DynamoDB's largest number (9.99…E+125)`, 'number-range', n);
  }
  if (magnitude !== 0 && magnitude < MIN_MAGNITUDE) {
    throw new CodecError(`${n} is closer to zero than DynamoDB's smallest number (1E-130)`, 'number-range', n);
  }
  // String(-0) is "0": DynamoDB stores -0 as 0 anyway (measured), so the round trip gives 0.
  return String(n);
}

/** `n` as N text, exactly; rejects more than 38 significant digits instead of rounding. */
export function bigintToText(n: bigint): string {
  const text = n.toString();
  const digits = text.replace(/^-/, '').replace(/0+$/, '').length;
  if (digits > MAX_DIGITS) {
    throw new CodecError(
      `${text} has ${digits} significant digits; DynamoDB keeps at most ${MAX_DIGITS} (no silent rounding)`,
      'precision',
      n,
    );
  }
  if ((n < 0n ? -n : n) >= MAX_BIGINT) {
    throw new CodecError(`${text} is larger than DynamoDB's largest number (9.99…E+125)`, 'number-range', n);
  }
  return text;
}

/** Parses N text (`123`, `1.5E+3`, `1E+40`) into a bigint; a value with a fraction cannot be one. */
export function textToBigint(text: string): bigint {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new CodecError(`stored value ${text} is not a number`, 'stored-type', text);
  }
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  let digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  let scale = Number(exponent) - fraction.length;
  while (scale < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale++;
  }
  if (scale < 0 && /[1-9]/.test(digits)) {
    throw new CodecError(`stored number ${text} has a fraction, so it cannot be a bigint`, 'stored-type', text);
  }
  const magnitude = scale < 0 ? 0n : BigInt(digits || '0') * 10n ** BigInt(scale);
  return sign === '-' ? -magnitude : magnitude;
}

/** `1.50`, `15E-1` and `1.5` are one number to DynamoDB: a canonical text of digits and exponent. */
export function canonicalNumber(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) return text;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = (whole + fraction).replace(/^0+/, '');
  const significant = digits.replace(/0+$/, '');
  if (significant === '') return '0';
  const scale = Number(exponent) - fraction.length + (digits.length - significant.length);
  return `${sign === '-' ? '-' : ''}${significant}e${scale}`;
}
