import type { Item } from '../codecs/object-codec';
import type { UpdateAction } from '../expressions/update';
import { writtenAttributeNames } from '../operations/lifecycle';
import { modelValidationError } from '../operations/to-validation-error';
import type { ModelSchema } from '../schema/compile-model';
import type { UpdateReturnValues } from './attributes';
import { recordDirty, storedStateOf, withDirty, type StoredState } from './stored-state';

/**
 * What `save()` compares an instance with: its stored state (src/model/stored-state.ts), with the
 * attributes named in `attributes` written whatever the state says (a state can be older than the
 * table: an eventually consistent read, a cache hit, an index page). A name the model lacks is a
 * `ValidationError` (rule `unknown-attribute`).
 */
export function stateToSave(
  schema: ModelSchema,
  instance: object,
  attributes: readonly string[] | undefined,
): StoredState | undefined {
  const before = storedStateOf(instance);
  if (attributes === undefined || attributes.length === 0) return before;
  const names = new Set<string>();
  for (const property of attributes) {
    const field = schema.byProperty.get(property);
    if (!field) {
      throw modelValidationError(
        schema,
        'is not an attribute of the model, so save({ attributes }) cannot write it',
        'unknown-attribute',
        property,
      );
    }
    names.add(field.name);
  }
  return withDirty(before, names);
}

/**
 * The instance an update returns, with the stored state it really has. Old values (`ALL_OLD`,
 * `UPDATED_OLD`) are not what is stored now: the attributes the update wrote are marked dirty, so
 * `save()` of the old instance writes them back (an undo). `UPDATED_*` instances are partial: they
 * know the attributes the update wrote (an absent one was absent, or was removed) and the key, so
 * they can be saved or reloaded.
 */
export function updateResult<T>(
  decoder: {
    readonly schema: ModelSchema;
    decode(item: Item): T;
    decodePart(item: Item, names: ReadonlySet<string>): T;
  },
  attributes: Item | undefined,
  itemKey: Item,
  returnValues: UpdateReturnValues,
  written: readonly UpdateAction[],
): T | undefined {
  if (returnValues === 'NONE') return undefined;
  if (returnValues === 'ALL_NEW' || returnValues === 'ALL_OLD') {
    // No attributes: ALL_OLD of an item the upsert created.
    if (!attributes) return undefined;
    const instance = decoder.decode(attributes);
    if (returnValues === 'ALL_OLD') recordDirty(instance as object, 'all');
    return instance;
  }
  const touched = writtenAttributeNames(decoder.schema, written);
  const part = { ...attributes, ...itemKey };
  const instance = decoder.decodePart(part, new Set([...Object.keys(part), ...touched]));
  if (returnValues === 'UPDATED_OLD') recordDirty(instance as object, touched);
  return instance;
}
