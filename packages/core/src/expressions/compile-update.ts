import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Codec } from '../codecs/codec';
import { NULL_VALUE, bigintCodec, numberCodec } from '../codecs/scalar-codecs';
import { modelValidationError, toValidationError } from '../operations/to-validation-error';
import { CodecError } from '../codecs/codec';
import { runValidate } from '../codecs/field-codec';
import { checkKeyValue } from '../operations/key';
import type { ModelSchema } from '../schema/compile-model';
import { encodeAtPath, pathExpression, resolvePath, type ResolvedPath } from './path';
import type { Placeholders } from './placeholders';
import type { UpdateAction } from './update';

export interface CompiledUpdate {
  readonly expression: string;
  /** Every action sets an absolute value, so sending it twice has the effect of once. */
  readonly idempotent: boolean;
}

/** The clauses of an `UpdateExpression`, in the order they are written. */
const CLAUSES = ['SET', 'REMOVE', 'ADD', 'DELETE'] as const;

/**
 * Compiles update actions into one `UpdateExpression` (SET, REMOVE, ADD and DELETE clauses), every
 * name and value through `placeholders`, every value encoded by the codec of its path. Refused
 * before sending, with a `ValidationError` naming the model and path: an empty update, a key
 * attribute, removing a required attribute, two actions on overlapping paths (DynamoDB rejects
 * them), and values the attribute's codec refuses.
 */
export function compileUpdate(
  schema: ModelSchema,
  actions: readonly UpdateAction[],
  placeholders: Placeholders,
): CompiledUpdate {
  if (actions.length === 0) throw modelValidationError(schema, 'update names no attribute to change', 'update');
  const clauses = { SET: [] as string[], REMOVE: [] as string[], ADD: [] as string[], DELETE: [] as string[] };
  const seen: { path: ResolvedPath; text: string }[] = [];
  let idempotent = true;
  for (const action of actions) {
    const path = resolvePath(schema, action.path);
    checkPath(schema, path, seen);
    const name = pathExpression(path, placeholders);
    switch (action.kind) {
      case 'set': {
        const encoded = action.value === null ? nullValue(schema, path) : encodeAtPath(schema, path, action.value);
        validated(schema, path, action.value);
        if (encoded === undefined) {
          // `undefined` or an empty set: nothing to store, so the attribute goes.
          checkRemovable(schema, path);
          clauses.REMOVE.push(name);
        } else {
          checkIndexKey(schema, path, encoded);
          clauses.SET.push(`${name} = ${placeholders.value(encoded)}`);
        }
        break;
      }
      case 'ifNotExists': {
        const encoded = required(schema, path, encodeAtPath(schema, path, action.value), 'ifNotExists');
        validated(schema, path, action.value);
        clauses.SET.push(`${name} = if_not_exists(${name}, ${placeholders.value(encoded)})`);
        break;
      }
      case 'remove':
        checkRemovable(schema, path);
        clauses.REMOVE.push(name);
        break;
      case 'add':
      case 'delete': {
        if (!path.codec.storedType.endsWith('S') || path.codec.storedType === 'S') {
          throw modelValidationError(
            schema,
            `${action.kind} works on sets; ${path.codec.label} is not one`,
            'update',
            path.text,
          );
        }
        const encoded = required(schema, path, encodeAtPath(schema, path, action.value), action.kind);
        clauses[action.kind === 'add' ? 'ADD' : 'DELETE'].push(`${name} ${placeholders.value(encoded)}`);
        idempotent = false;
        break;
      }
      case 'increment': {
        if (path.codec.storedType !== 'N' || !path.codec.arithmetic) {
          // An enum, a date or a user codec stored as N: the sum may be a value the model cannot read back.
          throw modelValidationError(
            schema,
            `increment works on numbers and bigints; ${path.codec.label} is not one` +
              (path.codec.storedType === 'N' ? ' (the result might be a value it cannot hold): set() it instead' : ''),
            'update',
            path.text,
          );
        }
        const codec: Codec = typeof action.by === 'bigint' ? bigintCodec : numberCodec;
        const by = required(schema, path, encodeAtPath(schema, path, action.by, codec), 'increment');
        const zero = placeholders.value({ N: '0' });
        clauses.SET.push(`${name} = if_not_exists(${name}, ${zero}) + ${placeholders.value(by)}`);
        idempotent = false;
        break;
      }
      case 'append':
      case 'prepend': {
        if (path.codec.storedType !== 'L') {
          throw modelValidationError(
            schema,
            `${action.kind} works on lists; ${path.codec.label} is not one`,
            'update',
            path.text,
          );
        }
        const list = required(schema, path, encodeAtPath(schema, path, [...action.values]), action.kind);
        const current = `if_not_exists(${name}, ${placeholders.value({ L: [] })})`;
        const added = placeholders.value(list);
        clauses.SET.push(
          `${name} = ${action.kind === 'append' ? `list_append(${current}, ${added})` : `list_append(${added}, ${current})`}`,
        );
        idempotent = false;
        break;
      }
    }
  }
  let expression = '';
  for (const clause of CLAUSES) {
    if (clauses[clause].length > 0) expression += `${expression ? ' ' : ''}${clause} ${clauses[clause].join(', ')}`;
  }
  return { expression, idempotent };
}

/** Keys cannot change, and DynamoDB rejects two actions on one path or on a path and its parent. */
function checkPath(schema: ModelSchema, path: ResolvedPath, seen: { path: ResolvedPath; text: string }[]): void {
  const field = schema.byProperty.get(path.property);
  if (field?.role) {
    throw modelValidationError(
      schema,
      'is part of the key, and DynamoDB keys cannot be updated',
      'key-update',
      path.text,
    );
  }
  for (const earlier of seen) {
    if (onePrefixOfOther(earlier.path.segments, path.segments)) {
      throw modelValidationError(
        schema,
        `"${earlier.text}" and "${path.text}" overlap; DynamoDB rejects two actions on one path`,
        'overlapping-paths',
        path.text,
      );
    }
  }
  seen.push({ path, text: path.text });
}

function onePrefixOfOther(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An index key attribute, when set, holds a valid key value (not empty, within the size limit). */
function checkIndexKey(schema: ModelSchema, path: ResolvedPath, encoded: AttributeValue): void {
  if (path.segments.length !== 1) return;
  const field = schema.indexKeyFields.find((candidate) => candidate.property === path.property);
  if (field) checkKeyValue(schema, field, encoded);
}

/** A required attribute, top-level or of an embedded class, cannot go: the item would not read back. */
function checkRemovable(schema: ModelSchema, path: ResolvedPath): void {
  if (path.required) {
    throw modelValidationError(schema, 'is required, so it cannot be removed', 'required', path.text);
  }
}

/**
 * `null` at `path`: stored as NULL where the attribute is nullable; in a list, map or `Json` value,
 * as the element's codec stores `null` (a `Json` value does); else refused, as `put` refuses it
 * (the item would not read back).
 */
function nullValue(schema: ModelSchema, path: ResolvedPath): AttributeValue {
  if (path.nullable) return NULL_VALUE;
  let encoded: AttributeValue | undefined;
  if (path.nullable === undefined) {
    try {
      encoded = path.codec.encode(null, path.segments.length - 1);
    } catch {
      encoded = undefined; // the element's type has no null
    }
  }
  if (encoded === undefined) {
    throw modelValidationError(
      schema,
      `is null, but ${path.segments.length === 1 ? 'the attribute' : `${path.codec.label} here`} is not nullable`,
      'not-nullable',
      path.text,
    );
  }
  return encoded;
}

/**
 * Runs the attribute's `validate` function on a value the update writes, as `put` and `save` do.
 * Increments, set additions and list appends compute their result in DynamoDB, so no function can
 * see it before sending: guard those with a `condition` (docs/updates.md, "update").
 */
function validated(schema: ModelSchema, path: ResolvedPath, value: unknown): void {
  if (!path.validate || value === undefined || value === null) return;
  try {
    runValidate(path.validate, value);
  } catch (error) {
    if (error instanceof CodecError) error.path.unshift(path.text);
    toValidationError(schema, error);
  }
}

function required(
  schema: ModelSchema,
  path: ResolvedPath,
  encoded: AttributeValue | undefined,
  what: string,
): AttributeValue {
  if (encoded === undefined) {
    throw modelValidationError(
      schema,
      `${what} needs a value (got undefined or an empty set)`,
      'update-value',
      path.text,
    );
  }
  return encoded;
}
