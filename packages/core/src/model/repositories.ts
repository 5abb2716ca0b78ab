import type { Connection } from '../connection/connection';
import { defaultConnection } from '../connection/default-connection';
import type { AnyClass } from '../metadata/options';
import { Repository } from './repository';

const repositories = new WeakMap<Connection, WeakMap<AnyClass, Repository<object>>>();

/** The repository of a model on a connection, created once per pair. */
export function repositoryFor<T extends object>(
  model: AnyClass,
  connection: Connection = defaultConnection(),
): Repository<T> {
  let byModel = repositories.get(connection);
  if (!byModel) {
    byModel = new WeakMap();
    repositories.set(connection, byModel);
  }
  let repository = byModel.get(model);
  if (!repository) {
    repository = new Repository<object>(model, connection);
    byModel.set(model, repository);
  }
  return repository as unknown as Repository<T>;
}
