/**
 * Key templates of single-table design: `USER#{userId}`, `ORDER#{createdAt}#{orderId}`,
 * `SCORE#{points:8}`. A template is literal text with placeholders naming attributes of the model;
 * it renders to the string stored in a key attribute (`pk`, `sk`, `gsi1pk`…).
 *
 * Two different items must never render to one key. Each value is followed by a literal that starts
 * with a separator (a character that is neither a letter nor a digit: `#`, `|`, `:`…), or ends the
 * template, and no value may hold any separator of the template (a typed error says which): reading
 * a key from its start, each value then ends at the first separator, so a key has one reading. A
 * template whose values are not delimited that way is refused when the model is compiled.
 *
 * Values render so that keys sort as their values do, where that can be done exactly: a `{name:8}`
 * placeholder writes a non-negative integer zero-padded to 8 digits (a longer one is refused), a
 * Date its ISO 8601 text (sorts for years 1000–9999), a string itself. A number without a width
 * is written as its shortest text, which does not sort numerically (documented).
 */

/** One parsed template: literal parts around placeholders, `literals.length === values.length + 1`. */
export interface ParsedTemplate {
  readonly source: string;
  readonly literals: readonly string[];
  readonly values: readonly TemplateValue[];
}

export interface TemplateValue {
  /** The property named in the placeholder. */
  readonly property: string;
  /** `{name:8}`: a non-negative integer zero-padded to this many digits. */
  readonly width: number | undefined;
}

/** A template that cannot be read (unbalanced braces, an empty placeholder, a bad width). */
export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
}

const PLACEHOLDER = /^([A-Za-z_$][\w$]*)(?::(\d{1,2}))?$/;

/** Parses `USER#{userId}#{n:4}`; `{{` and `}}` stand for literal braces. */
export function parseTemplate(source: string): ParsedTemplate {
  const literals: string[] = [];
  const values: TemplateValue[] = [];
  let literal = '';
  let i = 0;
  while (i < source.length) {
    const character = source[i] as string;
    if ((character === '{' || character === '}') && source[i + 1] === character) {
      literal += character;
      i += 2;
      continue;
    }
    if (character === '}')
      throw new TemplateSyntaxError(`"${source}": a "}" closes no placeholder (write "}}" for one)`);
    if (character !== '{') {
      literal += character;
      i++;
      continue;
    }
    const end = source.indexOf('}', i + 1);
    if (end < 0) throw new TemplateSyntaxError(`"${source}": a "{" is never closed (write "{{" for one)`);
    const inside = source.slice(i + 1, end);
    const match = PLACEHOLDER.exec(inside);
    if (!match) {
      throw new TemplateSyntaxError(
        `"${source}": "{${inside}}" is not a placeholder; write {property} or {property:width} (width 1–40)`,
      );
    }
    const width = match[2] === undefined ? undefined : Number(match[2]);
    if (width !== undefined && (width < 1 || width > 40)) {
      throw new TemplateSyntaxError(`"${source}": the width of {${inside}} must be 1–40 digits`);
    }
    literals.push(literal);
    values.push({ property: match[1] as string, width });
    literal = '';
    i = end + 1;
  }
  literals.push(literal);
  return { source, literals, values };
}

/** A character that is neither a letter nor a digit (in any script): what delimits template values. */
export function isSeparator(character: string): boolean {
  return !/^[\p{L}\p{N}]$/u.test(character);
}

/**
 * The separators of a template (every non-letter, non-digit character of its literals), or a
 * message saying why its values are not delimited (two values with no separator between them).
 */
export function templateSeparators(
  template: ParsedTemplate,
): { separators: ReadonlySet<string> } | { problem: string } {
  const separators = new Set<string>();
  for (const literal of template.literals)
    for (const character of literal) if (isSeparator(character)) separators.add(character);
  for (let i = 0; i < template.values.length; i++) {
    const next = template.literals[i + 1] as string;
    const isLast = i === template.values.length - 1 && next === '';
    if (isLast) continue;
    const first = [...next][0];
    if (first === undefined || !isSeparator(first)) {
      return {
        problem:
          `in "${template.source}", {${template.values[i]?.property}} is followed by ` +
          (first === undefined ? 'another placeholder' : `"${next}"`) +
          ', not by a separator (a character that is neither a letter nor a digit, such as #): ' +
          'two different items could render to one key',
      };
    }
  }
  return { separators };
}

/** The literal text before the first placeholder: what every key the template renders starts with. */
export function templatePrefix(template: ParsedTemplate): string {
  return template.literals[0] as string;
}
