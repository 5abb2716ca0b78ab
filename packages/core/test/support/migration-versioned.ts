import 'reflect-metadata';
import { HashKey, Keys, Model, Table } from '../../src';

/** A model whose code reads items up to version 2 (migrate on read from 1). */
@Table({ name: 'migrated_people', upgrades: { version: 2, steps: { 1: (item) => item } } })
export class Versioned extends Model {
  declare [Keys]?: 'id';
  @HashKey({ type: String }) id!: string;
}
