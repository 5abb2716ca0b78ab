import type { AttributeDeclaration, ClassDeclaration } from '../metadata/registry';
import { classChain, ownDeclarations } from '../metadata/registry';
import type { TableOptions } from '../metadata/options';

export interface CollectedDeclarations {
  /** In declaration order, parents' attributes first; a subclass's redeclaration replaces its parent's. */
  readonly attributes: AttributeDeclaration[];
  /** The nearest `@Table` options up the chain, and the class that declared them. */
  readonly table: TableOptions | undefined;
  readonly tableClassName: string | undefined;
  /** The `@Entity`s up the chain, the root's first (each also sets `table`), with the class that declared each. */
  readonly entities: readonly EntityDeclaration[];
}

export interface EntityDeclaration {
  readonly entity: NonNullable<ClassDeclaration['entity']>;
  readonly owner: object;
}

/** Merges the declarations of a class and its ancestors (attributes are inherited). */
export function collectDeclarations(cls: object): CollectedDeclarations {
  const attributes = new Map<string | symbol, AttributeDeclaration>();
  let table: TableOptions | undefined;
  let tableClassName: string | undefined;
  const entities: EntityDeclaration[] = [];
  for (const link of classChain(cls)) {
    for (const declaration of ownDeclarations(link)) {
      for (const [property, attribute] of declaration.attributes) attributes.set(property, attribute);
      if (declaration.table) {
        table = declaration.table;
        tableClassName = declaration.className ?? (link as { name?: string }).name;
        // A `@Table` below an entity makes a model of its own table: no entity chain goes on through it.
        if (declaration.entity) entities.push({ entity: declaration.entity, owner: link });
        else entities.length = 0;
      }
    }
  }
  return { attributes: [...attributes.values()], table, tableClassName, entities };
}
