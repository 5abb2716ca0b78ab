import { embeddedCodec, ObjectCodec, type FieldCodec } from '../codecs/object-codec';
import type { Codec } from '../codecs/codec';
import { ModelDefinitionError } from '../errors/model-definition-error';
import type { AnyClass, AttributeOptions } from '../metadata/options';
import type { AttributeDeclaration, IndexMembership, KeyRole, LifecycleRole } from '../metadata/registry';
import { collectDeclarations } from './collect-declarations';
import { resolveCodec } from './resolve-codec';

/** A compiled attribute: its codec plus what the model layer needs (key role, default). */
export interface CompiledField extends FieldCodec {
  readonly role: KeyRole | undefined;
  /** Makes the default value, when the attribute has one. */
  readonly makeDefault: (() => unknown) | undefined;
  readonly options: AttributeOptions;
  /** The secondary indexes the attribute is a key of. */
  readonly indexes: readonly IndexMembership[];
  /** What the library maintains in it (`@Version`, `@CreatedAt`, `@UpdatedAt`, `@Ttl`). */
  readonly lifecycle: readonly LifecycleRole[];
}

const MAX_NAME_BYTES = 65_535;

/** Compiles a class's declared attributes (its own and inherited) into fields with codecs. */
export function compileFields(model: string, declarations: readonly AttributeDeclaration[]): CompiledField[] {
  const fields = declarations.map((declaration) => compileField(model, declaration));
  const seen = new Map<string, string>();
  for (const field of fields) {
    const other = seen.get(field.name);
    if (other !== undefined) {
      throw new ModelDefinitionError(
        `is stored as "${field.name}", like ${other}: two properties cannot share a stored attribute name`,
        { model, attribute: field.property, rule: 'duplicate-name' },
      );
    }
    seen.set(field.name, field.property);
  }
  return fields;
}

function compileField(model: string, declaration: AttributeDeclaration): CompiledField {
  if (typeof declaration.property !== 'string') {
    throw new ModelDefinitionError('symbol-keyed properties cannot be stored; use a string name', {
      model,
      attribute: String(declaration.property),
      rule: 'symbol-property',
    });
  }
  const property = declaration.property;
  const fail = (message: string, rule: string): never => {
    throw new ModelDefinitionError(message, { model, attribute: property, rule });
  };
  const { options, roles } = declaration;
  if (roles.length > 1) fail('is declared as a key twice (@HashKey and @RangeKey, or one of them twice)', 'key-roles');
  const name = options.name ?? property;
  if (typeof name !== 'string' || name === '') fail('stored name is empty; DynamoDB needs a name', 'empty-name');
  // Reading or writing `obj.__proto__` reaches the prototype, not a field; data keys of that name
  // (map entries, undeclared attributes) are fine and round-trip as own properties.
  if (property === '__proto__' || name === '__proto__') {
    fail('"__proto__" cannot be a declared attribute or stored name; pick another name', 'reserved-name');
  }
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    fail(`stored name is over ${MAX_NAME_BYTES} bytes, DynamoDB's limit`, 'name-too-long');
  }
  const codec: Codec = resolveCodec(options, declaration.designType, {
    model,
    attribute: property,
    embedded: (cls) => embeddedClassCodec(cls, `${model}.${property}`),
  });
  const makeDefault = defaultMaker(options.default);
  return {
    property,
    name,
    codec,
    role: roles[0],
    required: !options.optional,
    nullable: options.nullable === true,
    makeDefault,
    options,
    indexes: declaration.indexes,
    lifecycle: declaration.lifecycle ?? [],
    ...(options.validate ? { validate: options.validate } : {}),
  };
}

function defaultMaker(value: unknown): (() => unknown) | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as () => unknown;
  // A shared array or object default would be shared by every item: give each its own copy.
  return typeof value === 'object' && value !== null ? () => structuredClone(value) : () => value;
}

const embeddedCodecs = new WeakMap<AnyClass, Codec>();

/**
 * The codec of a class embedded in another (stored as M), compiled once per class. It is cached
 * before its fields are compiled, so a class that contains itself (a tree of comments) resolves to
 * the codec being built; the 31-level nesting limit is then checked on values.
 */
function embeddedClassCodec(cls: AnyClass, where: string): Codec {
  const cached = embeddedCodecs.get(cls);
  if (cached) return cached;
  let compiled: ObjectCodec<object> | undefined;
  const codec = embeddedCodec(cls, () => compiled as ObjectCodec<object>);
  embeddedCodecs.set(cls, codec);
  try {
    compiled = compileEmbedded(cls, where);
  } catch (error) {
    embeddedCodecs.delete(cls);
    throw error;
  }
  return codec;
}

function compileEmbedded(cls: AnyClass, where: string): ObjectCodec<object> {
  const { attributes } = collectDeclarations(cls);
  if (attributes.length === 0) {
    throw new ModelDefinitionError(
      `is used as the type of ${where} but declares no @Attribute; decorate its properties, ` +
        'or give the attribute a codec or `type: Json`',
      { model: cls.name, rule: 'unknown-type' },
    );
  }
  const fields = compileFields(cls.name, attributes);
  const keyed = fields.find((field) => field.role);
  if (keyed) {
    throw new ModelDefinitionError('an embedded class cannot declare keys', {
      model: cls.name,
      attribute: keyed.property,
      rule: 'embedded-key',
    });
  }
  return new ObjectCodec(cls.prototype as object, fields);
}
