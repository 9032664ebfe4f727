import type { Arg, RawAttribute, Value } from './prisma-schema.tokens.js';
import {
  PrismaSchemaError,
  REFERENTIAL_ACTIONS,
  type DefaultValue,
  type IndexField,
  type KeyAttribute,
  type PrismaField,
  type ReferentialAction,
  type RelationAttribute,
  type SourceLocation,
} from './prisma-schema.types.js';

/** Turns generic attribute syntax into the typed meaning of the supported attributes. */

const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

function describe(attribute: RawAttribute): string {
  return `${attribute.block ? '@@' : '@'}${attribute.name}`;
}

/** Checks the argument names (positional arguments count as `''`) and returns them by name. */
function argsOf(
  attribute: RawAttribute,
  allowed: string[],
  at: SourceLocation,
  positional = 0,
): Map<string, Value> {
  const byName = new Map<string, Value>();
  attribute.args.forEach((arg: Arg, index) => {
    const name = arg.name ?? (index < positional ? `#${index}` : null);
    if (name === null)
      throw new PrismaSchemaError(at, `${describe(attribute)}: unexpected positional argument`);
    if (arg.name !== null && !allowed.includes(arg.name)) {
      throw new PrismaSchemaError(at, `${describe(attribute)}: unsupported argument "${arg.name}"`);
    }
    if (byName.has(name))
      throw new PrismaSchemaError(at, `${describe(attribute)}: argument "${name}" given twice`);
    byName.set(name, arg.value);
  });
  return byName;
}

function asString(value: Value | undefined, what: string, at: SourceLocation): string {
  if (value?.kind !== 'string') throw new PrismaSchemaError(at, `${what} must be a string`);
  return value.value;
}

function optionalString(value: Value | undefined, what: string, at: SourceLocation): string | undefined {
  return value === undefined ? undefined : asString(value, what, at);
}

function asSort(value: Value | undefined, at: SourceLocation): 'Asc' | 'Desc' {
  if (value === undefined) return 'Asc';
  if (value.kind === 'ident' && (value.name === 'Asc' || value.name === 'Desc')) return value.name;
  throw new PrismaSchemaError(at, 'sort must be Asc or Desc');
}

function asAction(value: Value | undefined, at: SourceLocation): ReferentialAction | undefined {
  if (value === undefined) return undefined;
  const action = REFERENTIAL_ACTIONS.find((a) => value.kind === 'ident' && a === value.name);
  if (!action)
    throw new PrismaSchemaError(at, `referential action must be one of ${REFERENTIAL_ACTIONS.join(', ')}`);
  return action;
}

function fieldNames(value: Value | undefined, what: string, at: SourceLocation): string[] {
  if (value?.kind !== 'list') throw new PrismaSchemaError(at, `${what} must be a list of fields`);
  return value.items.map((item) => {
    if (item.kind !== 'ident') throw new PrismaSchemaError(at, `${what} must list plain field names`);
    return item.name;
  });
}

function indexFields(value: Value | undefined, attribute: RawAttribute, at: SourceLocation): IndexField[] {
  if (value?.kind !== 'list' || value.items.length === 0) {
    throw new PrismaSchemaError(at, `${describe(attribute)} needs a list of fields`);
  }
  return value.items.map((item) => {
    if (item.kind === 'ident') return { name: item.name, sort: 'Asc' };
    if (item.kind === 'call') {
      const args = argsOf({ ...attribute, args: item.args }, ['sort'], at);
      return { name: item.name, sort: asSort(args.get('sort'), at) };
    }
    throw new PrismaSchemaError(at, `${describe(attribute)}: unsupported field reference`);
  });
}

/** `@@id`, `@@unique`, `@@index`: `([fields], name?, map?)` or `(fields: [...], ...)`. */
export function keyAttribute(attribute: RawAttribute, at: SourceLocation): KeyAttribute {
  const args = argsOf(attribute, ['fields', 'name', 'map'], at, 1);
  const fields = indexFields(args.get('#0') ?? args.get('fields'), attribute, at);
  optionalString(args.get('name'), 'name', at);
  const map = optionalString(args.get('map'), 'map', at);
  return map === undefined ? { fields } : { fields, map };
}

export function stringAttribute(attribute: RawAttribute, at: SourceLocation): string {
  const args = argsOf(attribute, [], at, 1);
  if (args.size !== 1) throw new PrismaSchemaError(at, `${describe(attribute)} takes one string`);
  return asString(args.get('#0'), describe(attribute), at);
}

export function defaultValue(attribute: RawAttribute, at: SourceLocation): DefaultValue {
  const args = argsOf(attribute, ['map'], at, 1);
  const value = args.get('#0');
  if (value === undefined) throw new PrismaSchemaError(at, '@default needs a value');
  switch (value.kind) {
    case 'string':
      return { kind: 'string', value: value.value };
    case 'number':
      return { kind: 'number', raw: value.raw };
    case 'ident':
      if (value.name === 'true' || value.name === 'false')
        return { kind: 'boolean', value: value.name === 'true' };
      return { kind: 'enum', value: value.name };
    case 'list':
      if (value.items.length === 0) return { kind: 'emptyList' };
      throw new PrismaSchemaError(at, '@default with a non-empty list is not supported by schema-check');
    case 'call': {
      if (value.name === 'autoincrement' && value.args.length === 0) return { kind: 'autoincrement' };
      if (value.name === 'now' && value.args.length === 0) return { kind: 'now' };
      if (CLIENT_SIDE_DEFAULTS.has(value.name)) return { kind: 'client', fn: value.name };
      if (value.name === 'dbgenerated') {
        const [sql, ...more] = value.args;
        if (more.length > 0 || (sql !== undefined && sql.name !== null)) {
          throw new PrismaSchemaError(at, 'dbgenerated takes one string');
        }
        return {
          kind: 'dbgenerated',
          sql: sql === undefined ? null : asString(sql.value, 'dbgenerated', at),
        };
      }
      throw new PrismaSchemaError(at, `unsupported default function ${value.name}()`);
    }
  }
}

function relation(attribute: RawAttribute, at: SourceLocation): RelationAttribute {
  const args = argsOf(attribute, ['name', 'fields', 'references', 'onDelete', 'onUpdate', 'map'], at, 1);
  const result: RelationAttribute = {};
  const name = optionalString(args.get('#0') ?? args.get('name'), 'relation name', at);
  if (name !== undefined) result.name = name;
  if (args.has('fields')) result.fields = fieldNames(args.get('fields'), 'fields', at);
  if (args.has('references')) result.references = fieldNames(args.get('references'), 'references', at);
  const onDelete = asAction(args.get('onDelete'), at);
  if (onDelete) result.onDelete = onDelete;
  const onUpdate = asAction(args.get('onUpdate'), at);
  if (onUpdate) result.onUpdate = onUpdate;
  const map = optionalString(args.get('map'), 'map', at);
  if (map !== undefined) result.map = map;
  return result;
}

function withMap(attribute: RawAttribute, extra: string[], at: SourceLocation): Map<string, Value> {
  return argsOf(attribute, ['map', ...extra], at);
}

/** Applies one field attribute (`@id`, `@db.Uuid`, ...) to the field. */
export function applyFieldAttribute(field: PrismaField, attribute: RawAttribute, at: SourceLocation): void {
  if (attribute.block) throw new PrismaSchemaError(at, `${describe(attribute)} is not a field attribute`);
  const once = (present: boolean) => {
    if (present) throw new PrismaSchemaError(at, `${describe(attribute)} given twice on ${field.name}`);
  };
  if (attribute.name.startsWith('db.')) {
    once(field.native !== undefined);
    const args = attribute.args.map((arg) => {
      if (arg.name !== null || arg.value.kind !== 'number') {
        throw new PrismaSchemaError(at, `${describe(attribute)} takes numbers only`);
      }
      return Number(arg.value.raw);
    });
    field.native = { name: attribute.name.slice(3), args };
    return;
  }
  switch (attribute.name) {
    case 'id': {
      once(field.id !== undefined);
      const map = optionalString(withMap(attribute, [], at).get('map'), 'map', at);
      field.id = map === undefined ? {} : { map };
      return;
    }
    case 'unique': {
      once(field.unique !== undefined);
      const args = withMap(attribute, ['sort'], at);
      const map = optionalString(args.get('map'), 'map', at);
      field.unique = { sort: asSort(args.get('sort'), at), ...(map === undefined ? {} : { map }) };
      return;
    }
    case 'default':
      once(field.default !== undefined);
      field.default = defaultValue(attribute, at);
      return;
    case 'map':
      once(field.map !== undefined);
      field.map = stringAttribute(attribute, at);
      return;
    case 'relation':
      once(field.relation !== undefined);
      field.relation = relation(attribute, at);
      return;
    case 'updatedAt':
      once(field.updatedAt);
      if (attribute.args.length > 0) throw new PrismaSchemaError(at, '@updatedAt takes no arguments');
      field.updatedAt = true;
      return;
    default:
      throw new PrismaSchemaError(at, `unsupported field attribute ${describe(attribute)}`);
  }
}
