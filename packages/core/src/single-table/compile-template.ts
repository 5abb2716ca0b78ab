import { ValidationError } from '@dynamodel/executor';
import { CodecError, type Codec } from '../codecs/codec';
import { isDateCodec, isoString } from '../codecs/date-codec';
import { ModelDefinitionError } from '../errors/model-definition-error';
import { parseTemplate, templatePrefix, templateSeparators, TemplateSyntaxError } from './key-template';

/** What a template needs to know of a model's attribute. */
export interface TemplateField {
  readonly property: string;
  readonly codec: Codec;
}

/** A key template bound to a model's attributes (see `key-template.ts`). */
export interface CompiledTemplate {
  readonly source: string;
  /** The properties the template names, in order. */
  readonly properties: readonly string[];
  /** The literal text every rendered key starts with. */
  readonly prefix: string;
  /** The key for `values` (an instance, or the key input of a call); every property must be there. */
  render(values: object): string;
  /**
   * The key's leading text, from the leading placeholders `values` holds (it stops at the first one
   * absent): `complete` when every property was there. What a query's `begins_with` takes.
   */
  renderStart(values: object): { readonly text: string; readonly complete: boolean };
}

/** Why a value cannot be part of a key (a missing value, a separator in it, a number too wide). */
function keyValueError(model: string, property: string, message: string, rule: string): ValidationError {
  return new ValidationError(`${model}.${property}: ${message} [${rule}]`, { model, attribute: property, rule });
}

/**
 * Binds `source` to the model's fields; a `ModelDefinitionError` (naming the model and the key
 * attribute, `keyAttribute`) when it names an attribute the model lacks or one that cannot be part
 * of a key, or when its values are not delimited by separators.
 */
export function compileTemplate(
  model: string,
  keyAttribute: string,
  source: string,
  fields: ReadonlyMap<string, TemplateField>,
): CompiledTemplate {
  const fail = (message: string, rule: string): never => {
    throw new ModelDefinitionError(`key template ${JSON.stringify(source)} of ${keyAttribute}: ${message}`, {
      model,
      rule,
    });
  };
  let parsed;
  try {
    parsed = parseTemplate(source);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return fail(error.message, 'key-template');
    throw error;
  }
  const delimiting = templateSeparators(parsed);
  if ('problem' in delimiting) return fail(delimiting.problem, 'key-template');
  const { separators } = delimiting;
  const renderers = parsed.values.map(({ property, width }) => {
    const field = fields.get(property);
    if (!field) return fail(`names {${property}}, which the model does not declare`, 'key-template');
    return valueRenderer(model, field, width, separators, fail);
  });
  const { literals } = parsed;
  const properties = parsed.values.map((value) => value.property);
  const valueOf = (values: object, property: string): unknown => (values as Record<string, unknown>)[property];
  return {
    source,
    properties,
    prefix: templatePrefix(parsed),
    render(values) {
      let text = literals[0] as string;
      for (let i = 0; i < renderers.length; i++) {
        text += (renderers[i] as Renderer)(valueOf(values, properties[i] as string)) + (literals[i + 1] as string);
      }
      return text;
    },
    renderStart(values) {
      let text = literals[0] as string;
      for (let i = 0; i < renderers.length; i++) {
        const value = valueOf(values, properties[i] as string);
        if (value === undefined) return { text, complete: false };
        text += (renderers[i] as Renderer)(value) + (literals[i + 1] as string);
      }
      return { text, complete: true };
    },
  };
}

type Renderer = (value: unknown) => string;

/**
 * How one attribute's value is written into a key: a Date as ISO 8601 text, a `{name:width}` number
 * zero-padded, any other value as the text its codec stores (a string, an enum, a UUID, a number's
 * shortest text, `true`/`false`). Sets, lists, maps, bytes and embedded objects cannot be part of a
 * key.
 */
function valueRenderer(
  model: string,
  field: TemplateField,
  width: number | undefined,
  separators: ReadonlySet<string>,
  fail: (message: string, rule: string) => never,
): Renderer {
  const { property, codec } = field;
  const date = isDateCodec(codec);
  if (!date && codec.storedType !== 'S' && codec.storedType !== 'N' && codec.storedType !== 'BOOL') {
    return fail(
      `{${property}} is a ${codec.label}, which cannot be part of a key (a string, number, Date, enum or boolean can)`,
      'key-template',
    );
  }
  if (width !== undefined && (date || codec.storedType !== 'N')) {
    return fail(
      `{${property}:${width}} gives a width, but ${property} is a ${codec.label}, not a number`,
      'key-template',
    );
  }
  if (date) {
    const clash = ['-', ':', '.'].filter((character) => separators.has(character));
    if (clash.length > 0) {
      return fail(
        `{${property}} is a Date, written as ISO 8601 text, which holds ${clash.map((c) => `"${c}"`).join(' and ')}, a separator of this template`,
        'key-template',
      );
    }
  }
  const text = (value: unknown): string => {
    if (value === undefined || value === null) {
      throw keyValueError(model, property, `is part of a key, so it cannot be ${String(value)}`, 'required');
    }
    let encoded;
    try {
      if (date) {
        codec.encode(value, 0); // the codec's checks (a valid Date)
        return isoString(value as Date);
      }
      encoded = codec.encode(value, 0);
    } catch (error) {
      if (error instanceof CodecError) throw keyValueError(model, property, error.message, error.rule);
      throw error;
    }
    return encoded?.S ?? encoded?.N ?? String(encoded?.BOOL);
  };
  return (value) => {
    let rendered = text(value);
    if (width !== undefined) {
      if (!/^\d+$/.test(rendered)) {
        throw keyValueError(
          model,
          property,
          `is ${rendered}; a {${property}:${width}} key part takes a non-negative integer`,
          'key-width',
        );
      }
      if (rendered.length > width) {
        throw keyValueError(
          model,
          property,
          `is ${rendered}, wider than the ${width} digits its key part has`,
          'key-width',
        );
      }
      rendered = rendered.padStart(width, '0');
    }
    for (const character of rendered) {
      if (separators.has(character)) {
        throw keyValueError(
          model,
          property,
          `holds "${character}", a separator of its key template, so two items could share a key`,
          'key-separator',
        );
      }
    }
    return rendered;
  };
}
