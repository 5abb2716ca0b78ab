import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CodecError, type Codec } from '../codecs/codec';
import type { ModelSchema } from '../schema/compile-model';
import { modelValidationError, toValidationError } from '../operations/to-validation-error';
import type { Placeholders } from './placeholders';

/**
 * A path to an attribute or a nested element, as the user writes it: `'author'`, `'address.city'`,
 * `'tags[2]'`, or an array of segments (`['a.b', 0]`) for a property whose name holds a dot.
 */
export type PathInput = string | readonly (string | number)[];

/** A path resolved against the model: stored names and list indexes, and the codec of its value. */
export interface ResolvedPath {
  /** As the user wrote it, for messages. */
  readonly text: string;
  /** The declared property it starts at. */
  readonly property: string;
  readonly segments: readonly (string | number)[];
  readonly codec: Codec;
  /** The element at the end of the path must be there (a required attribute, top-level or of an embedded class). */
  readonly required: boolean;
  /**
   * Whether it may hold `null`, for an attribute (top-level or of an embedded class); `undefined`
   * for a list element, a map entry or part of a `Json` value, where `null` is what its codec makes of it.
   */
  readonly nullable: boolean | undefined;
  /** Its attribute's `validate` function, run on every value written there. */
  readonly validate: ((value: never) => boolean | string | void) | undefined;
}

const SEPARATORS = /[.[\]]/;

/** `'address.city'` → `['address', 'city']`, `'tags[2].name'` → `['tags', 2, 'name']`. */
export function parsePath(path: PathInput): (string | number)[] {
  if (typeof path !== 'string') return [...path];
  // Most paths name a top-level attribute: nothing to parse.
  if (!SEPARATORS.test(path)) return [path];
  const segments: (string | number)[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new CodecError(`path "${path}" is not a path (write a.b[0].c)`, 'path', path);
    if (match[1] !== '' || segments.length === 0) segments.push(match[1] as string);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

/**
 * Resolves a path through the model's codecs: the first segment is a declared property (stored
 * under its stored name), later ones go through embedded classes, maps, records, lists and `Json`.
 * A property the model does not have, or a step into a value that has no elements, is a
 * `ValidationError` naming the model and the path.
 */
export function resolvePath(schema: ModelSchema, path: PathInput): ResolvedPath {
  const text = typeof path === 'string' ? path : path.join('.');
  let segments: (string | number)[];
  try {
    segments = parsePath(path);
  } catch (error) {
    throw modelValidationError(schema, (error as Error).message, 'path', text);
  }
  const [first, ...rest] = segments;
  const field = typeof first === 'string' ? schema.byProperty.get(first) : undefined;
  if (!field)
    throw modelValidationError(
      schema,
      `"${String(first)}" is not an attribute of the model`,
      'unknown-attribute',
      text,
    );
  const stored: (string | number)[] = [field.name];
  let codec: Codec = field.codec;
  let required = field.required && !field.codec.whenAbsent;
  let nullable: boolean | undefined = field.nullable;
  let validate = field.validate;
  for (const segment of rest) {
    const child = codec.child?.(segment);
    if (!child) {
      throw modelValidationError(
        schema,
        `path "${text}" cannot go into ${codec.label} with ${typeof segment === 'number' ? `[${segment}]` : `"${segment}"`}`,
        'path',
        text,
      );
    }
    stored.push(child.name);
    codec = child.codec;
    // A list element, a map entry or part of a Json value may go; an embedded class says of its own.
    required = child.required === true;
    nullable = child.nullable;
    validate = child.validate;
  }
  return { text, property: field.property, segments: stored, codec, required, nullable, validate };
}

/** The path as expression text, every name through a placeholder: `#n0.#n1[2]`. */
export function pathExpression(path: ResolvedPath, placeholders: Placeholders): string {
  let text = '';
  for (const segment of path.segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += `${text === '' ? '' : '.'}${placeholders.name(segment)}`;
  }
  return text;
}

/**
 * `value` as stored at `path` (by `codec`, the path's own by default, at the path's nesting depth),
 * or `undefined` for `undefined` and an empty set; a value the codec refuses is a `ValidationError`
 * naming the model and path. Conditions and updates encode every value through it.
 */
export function encodeAtPath(
  schema: ModelSchema,
  path: ResolvedPath,
  value: unknown,
  codec: Codec = path.codec,
): AttributeValue | undefined {
  if (value === undefined) return undefined;
  try {
    return codec.encode(value, path.segments.length - 1);
  } catch (error) {
    if (error instanceof CodecError) error.path.unshift(path.text);
    return toValidationError(schema, error);
  }
}
