import type { AttributeDeclaration, ClassDeclaration } from '../metadata/registry';
import { classChain, ownDeclarations } from '../metadata/registry';
import type { TableOptions } from '../metadata/options';

export interface CollectedDeclarations {
  /** In declaration order, parents' attributes first; a subclass's redeclaration replaces its parent's. */
  readonly attributes: AttributeDeclaration[];
  /** The nearest `@Table` options up the chain, and the class that declared them. */
  readonly table: TableOptions | undefined;
  readonly tableClassName: string | undefined;
  /** The nearest `@Entity` up the chain (it also sets `table`). */
  readonly entity: ClassDeclaration['entity'];
}

/** Merges the declarations of a class and its ancestors (attributes are inherited). */
export function collectDeclarations(cls: object): CollectedDeclarations {
  const attributes = new Map<string | symbol, AttributeDeclaration>();
  let table: TableOptions | undefined;
  let tableClassName: string | undefined;
  let entity: ClassDeclaration['entity'];
  for (const link of classChain(cls)) {
    for (const declaration of ownDeclarations(link)) {
      for (const [property, attribute] of declaration.attributes) attributes.set(property, attribute);
      if (declaration.table) {
        table = declaration.table;
        tableClassName = declaration.className ?? (link as { name?: string }).name;
        entity = declaration.entity;
      }
    }
  }
  return { attributes: [...attributes.values()], table, tableClassName, entity };
}
