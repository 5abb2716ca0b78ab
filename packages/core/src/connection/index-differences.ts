import type { KeySchemaElement, Projection, TableDescription } from '@aws-sdk/client-dynamodb';
import type { ModelSchema } from '../schema/compile-model';

// How a table's indexes and key attribute types differ from a model's, in the words of
// `syncTables`' TableMismatchError (connection/ensure-table.ts).

/** Every way the table's indexes and attribute types differ from the model's, in words. */
export function indexDifferences(schema: ModelSchema, table: TableDescription): string[] {
  const differences: string[] = [];
  const types = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
  for (const definition of schema.table.attributeDefinitions) {
    const actual = types.get(definition.AttributeName);
    if (actual !== undefined && actual !== definition.AttributeType) {
      differences.push(
        `attribute "${definition.AttributeName}" is defined as ${actual} in the table, ${definition.AttributeType} in the model`,
      );
    }
  }
  const globals = new Map((table.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
  const locals = new Map((table.LocalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
  for (const index of schema.table.globalIndexes) {
    const name = index.IndexName as string;
    if (locals.has(name)) differences.push(`"${name}" is a local index in the table, a global one in the model`);
    const actual = globals.get(name);
    if (actual) differences.push(...describeDifference(name, index, actual));
  }
  for (const index of schema.table.localIndexes) {
    const name = index.IndexName as string;
    const actual = locals.get(name);
    if (!actual) {
      differences.push(
        `local index "${name}" is missing, and local indexes can only be created with the table` +
          (globals.has(name) ? ' (the table has a global index of that name)' : ''),
      );
    } else differences.push(...describeDifference(name, index, actual));
  }
  return differences;
}

function describeDifference(
  name: string,
  expected: { KeySchema?: KeySchemaElement[] | undefined; Projection?: Projection | undefined },
  actual: { KeySchema?: KeySchemaElement[] | undefined; Projection?: Projection | undefined },
): string[] {
  const differences: string[] = [];
  const keys = (schema: KeySchemaElement[] | undefined) =>
    (schema ?? []).map((element) => `${element.KeyType} ${element.AttributeName}`).join(', ');
  if (keys(expected.KeySchema) !== keys(actual.KeySchema)) {
    differences.push(
      `index "${name}" has key ${keys(actual.KeySchema)} in the table, ${keys(expected.KeySchema)} in the model`,
    );
  }
  const projection = (p: Projection | undefined) =>
    p?.ProjectionType === 'INCLUDE'
      ? `INCLUDE ${[...(p.NonKeyAttributes ?? [])].sort().join(', ')}`
      : (p?.ProjectionType ?? 'ALL');
  if (projection(expected.Projection) !== projection(actual.Projection)) {
    differences.push(
      `index "${name}" projects ${projection(actual.Projection)} in the table, ${projection(expected.Projection)} in the model`,
    );
  }
  return differences;
}
