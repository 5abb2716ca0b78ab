import type { TableOptions } from '../metadata/options';
import type { TableSchema } from './table-schema';

type Fail = (message: string, rule: string) => never;

const STREAM_VIEWS = new Set(['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY']);
const TABLE_CLASSES = new Set(['STANDARD', 'STANDARD_INFREQUENT_ACCESS']);

/** The table's settings besides keys and indexes, checked: billing, stream, throughput, PITR, deletion protection, class, tags. */
export function compileTableSettings(
  table: TableOptions,
  fail: Fail,
): Pick<
  TableSchema,
  | 'billing'
  | 'stream'
  | 'onDemandMaximum'
  | 'warmThroughput'
  | 'pointInTimeRecovery'
  | 'deletionProtection'
  | 'tableClass'
  | 'tags'
> {
  const { billing, onDemandMaximum } = compileBilling(table, fail);
  return {
    billing,
    onDemandMaximum,
    stream: compileStream(table, fail),
    warmThroughput: units(table.warmThroughput, 'warmThroughput', fail),
    pointInTimeRecovery: flag(table.pointInTimeRecovery, 'pointInTimeRecovery', fail),
    deletionProtection: flag(table.deletionProtection, 'deletionProtection', fail),
    tableClass: compileTableClass(table, fail),
    tags: compileTags(table, fail),
  };
}

const whole = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 1;

function compileBilling(
  table: TableOptions,
  fail: Fail,
): { billing: TableSchema['billing']; onDemandMaximum: TableSchema['onDemandMaximum'] } {
  const billing = table.billing ?? 'PAY_PER_REQUEST';
  const explain =
    "billing must be 'PAY_PER_REQUEST', { read, write } (provisioned capacity units) or { maxRead, maxWrite } " +
    '(on-demand with maximums), with whole numbers of at least 1';
  if (billing === 'PAY_PER_REQUEST') return { billing, onDemandMaximum: undefined };
  if (typeof billing !== 'object') return fail(explain, 'billing');
  if ('read' in billing || 'write' in billing) {
    const provisioned = billing as { read?: unknown; write?: unknown };
    if (!whole(provisioned.read) || !whole(provisioned.write) || Object.keys(billing).length !== 2) {
      fail(explain, 'billing');
    }
    return {
      billing: Object.freeze({ read: provisioned.read as number, write: provisioned.write as number }),
      onDemandMaximum: undefined,
    };
  }
  const maximum = units(
    { read: (billing as { maxRead?: number }).maxRead, write: (billing as { maxWrite?: number }).maxWrite },
    'billing',
    fail,
  );
  const known = Object.keys(billing).every((key) => key === 'maxRead' || key === 'maxWrite');
  if (!maximum || !known) return fail(explain, 'billing');
  return { billing: 'PAY_PER_REQUEST', onDemandMaximum: maximum };
}

function compileStream(table: TableOptions, fail: Fail): TableSchema['stream'] {
  if (table.stream === undefined) return undefined;
  const view = table.stream === true ? 'NEW_AND_OLD_IMAGES' : table.stream;
  if (!STREAM_VIEWS.has(view)) fail(`stream must be true or one of ${[...STREAM_VIEWS].join(', ')}`, 'stream');
  return Object.freeze({ StreamEnabled: true, StreamViewType: view });
}

/** `{ read?, write? }` of whole units per second, at least one given; `undefined` when not declared. */
function units(
  given: { readonly read?: number | undefined; readonly write?: number | undefined } | undefined,
  option: string,
  fail: Fail,
): { read?: number; write?: number } | undefined {
  if (given === undefined) return undefined;
  const { read, write } = given;
  if (typeof given !== 'object' || (read === undefined && write === undefined)) {
    return fail(`${option} gives read and/or write units per second`, option);
  }
  for (const [name, value] of [
    ['read', read],
    ['write', write],
  ] as const) {
    if (value !== undefined && !whole(value)) {
      fail(`${option}: ${name} must be a whole number of units of at least 1, got ${String(value)}`, option);
    }
  }
  return Object.freeze({ ...(read !== undefined ? { read } : {}), ...(write !== undefined ? { write } : {}) });
}

function flag(value: unknown, option: string, fail: Fail): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') return fail(`${option} must be true or false, got ${JSON.stringify(value)}`, option);
  return value;
}

function compileTableClass(table: TableOptions, fail: Fail): TableSchema['tableClass'] {
  if (table.tableClass === undefined) return undefined;
  if (!TABLE_CLASSES.has(table.tableClass)) {
    fail(`tableClass must be one of ${[...TABLE_CLASSES].join(', ')}`, 'tableClass');
  }
  return table.tableClass;
}

/** Tags: 1–128 character keys (not starting with `aws:`), values up to 256 characters, at most 50. */
function compileTags(table: TableOptions, fail: Fail): TableSchema['tags'] {
  const tags = table.tags ?? {};
  if (typeof tags !== 'object') return fail('tags is an object of key → value', 'tags');
  const entries = Object.entries(tags);
  if (entries.length > 50) fail(`a table has at most 50 tags, got ${entries.length}`, 'tags');
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || key.startsWith('aws:')) {
      fail(`tag key ${JSON.stringify(key)}: 1 to 128 characters, not starting with "aws:"`, 'tags');
    }
    if (typeof value !== 'string' || value.length > 256) {
      fail(`tag ${JSON.stringify(key)}: the value is a string of at most 256 characters`, 'tags');
    }
  }
  return Object.freeze({ ...tags });
}
