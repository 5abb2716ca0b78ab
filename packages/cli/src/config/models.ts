import { compileModel, type AnyClass, type Connection } from '@dynamodel/core';
import { CliError } from '../errors';

/** A model as the command names it: its class (or entity) name, and the table it lives in. */
export interface NamedModel {
  readonly model: AnyClass;
  /** The entity's name for an `@Entity`, the class name otherwise (what migrations folders are named by). */
  readonly name: string;
  readonly className: string;
  readonly tableName: string;
}

export function namedModels(models: readonly AnyClass[], connection: Connection): NamedModel[] {
  return models.map((model) => {
    const schema = compileModel(model);
    return {
      model,
      name: schema.entity?.name ?? schema.model,
      className: model.name,
      tableName: connection.tableName(schema),
    };
  });
}

/**
 * The models `names` pick: each name is a model (class or entity name) or a table (with or
 * without the connection's prefix). An unknown name is an error listing the known ones.
 */
export function pickModels(all: readonly NamedModel[], names: readonly string[], prefix: string): NamedModel[] {
  const picked = new Set<NamedModel>();
  for (const name of names) {
    const byModel = all.filter((m) => m.name === name || m.className === name);
    const byTable = all.filter((m) => m.tableName === name || m.tableName === `${prefix}${name}`);
    const found = byModel.length > 0 ? byModel : byTable;
    if (found.length === 0) {
      throw new CliError(
        `no model or table named ${name}; the config has models ${all.map((m) => m.name).join(', ')} ` +
          `in tables ${[...new Set(all.map((m) => m.tableName))].join(', ')}`,
      );
    }
    for (const model of found) picked.add(model);
  }
  return [...picked];
}

/** One model per table: what a table-level command (drop, describe) acts on. */
export function onePerTable(models: readonly NamedModel[]): NamedModel[] {
  const byTable = new Map<string, NamedModel>();
  for (const model of models) if (!byTable.has(model.tableName)) byTable.set(model.tableName, model);
  return [...byTable.values()];
}
