import { compileModel, type AnyClass, type Model, type ModelClass } from '@dynamodel/core';
import type { SourceRecord } from './read-records';

/**
 * Turns one record into an unsaved instance of the model, through `fromJSON` (which restores dates,
 * bigints, bytes, sets, maps and embedded classes as the model declares them and names the
 * attribute of a value that does not fit). A CSV row's fields are strings: each is first read as
 * its attribute's JSON form (a number, `true`/`false`, or JSON text for sets, lists, maps and
 * objects); an empty field is an absent attribute.
 */
export function recordToInstance(model: AnyClass, record: SourceRecord): Model {
  const modelClass = model as unknown as ModelClass<Model> & { fromJSON(json: unknown): Model };
  if (record.fields) return modelClass.fromJSON(csvToJson(model, record.fields));
  return modelClass.fromJSON(record.text ?? '');
}

function csvToJson(model: AnyClass, fields: Readonly<Record<string, string>>): Record<string, unknown> {
  const schema = compileModel(model);
  const byProperty = new Map(schema.fields.map((field) => [field.property, field]));
  const json: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(fields)) {
    if (text === '') continue;
    const label = byProperty.get(name)?.codec.label;
    json[name] = label === undefined ? text : fromCsvText(label, text);
  }
  return json;
}

/** A field's text as its attribute's JSON form; text that reads as nothing else is passed on for `fromJSON` to judge. */
function fromCsvText(label: string, text: string): unknown {
  if (label === 'number') return text.trim() === '' || Number.isNaN(Number(text)) ? text : Number(text);
  if (label === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (['string', 'UUID string', 'Date', 'bigint', 'Uint8Array', 'Buffer'].includes(label)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
