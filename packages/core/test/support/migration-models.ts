import 'reflect-metadata';
import { HashKey, Keys, Model, Table, defineMigration } from '../../src';

// Models and migrations of the migration tests, with their types spelled out: the worker processes
// of the crash and three-worker tests load this file through tsx (esbuild), which emits no
// decorator type metadata.

/** People whose `name` is split into `first` and `last` by migration 2, which also adds 1 to `n`. */
@Table({ name: 'migrated_people' })
export class Person extends Model {
  declare [Keys]?: 'id';
  @HashKey({ type: String }) id!: string;
}

/**
 * Adds one to `n` (so an item migrated twice shows it) and splits the name; down undoes both.
 * Items whose `name` is "poison" make `up` throw: the dead-letter tests' failing transform.
 */
export const splitName = defineMigration({
  version: 2,
  description: 'split name into first and last; count the migration in n',
  up: (item) => {
    const { name, ...rest } = item;
    if (name === 'poison') throw new Error('cannot split a poisoned name');
    const [first, last] = String(name).split(' ');
    return { ...rest, first, last, n: Number(item.n) + 1 };
  },
  down: (item) => {
    const { first, last, ...rest } = item;
    return { ...rest, name: `${String(first)} ${String(last)}`, n: Number(item.n) - 1 };
  },
});

/** Migration 3: the full name upper-cased into `display`. */
export const addDisplay = defineMigration({
  version: 3,
  description: 'add display',
  up: (item) => ({ ...item, display: `${String(item.first)} ${String(item.last)}`.toUpperCase() }),
  down: ({ display: _display, ...item }) => item,
});

export const personItem = (i: number) => ({
  id: { S: `p${String(i).padStart(6, '0')}` },
  name: { S: `First${i} Last${i}` },
  n: { N: String(i) },
});
