import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyFieldAttribute, keyAttribute, stringAttribute } from './prisma-schema.attributes.js';
import { bracketDepth, tokenizeLine, TokenCursor, type Token } from './prisma-schema.tokens.js';
import {
  PrismaSchemaError,
  type PrismaEnum,
  type PrismaField,
  type PrismaModel,
  type PrismaSchema,
  type SourceLocation,
} from './prisma-schema.types.js';

/**
 * Parses the subset of the Prisma schema language this project uses. Anything else throws a
 * PrismaSchemaError naming the file and line: the checker must never skip what it cannot read.
 */

export interface SchemaFile {
  /** Shown in error messages, e.g. `prisma/schema/platform.prisma`. */
  file: string;
  text: string;
}

interface LogicalLine {
  location: SourceLocation;
  tokens: Token[];
}

interface Datasource {
  schemas?: string[];
  relationMode: 'foreignKeys' | 'prisma';
}

/** Reads every `*.prisma` file of a folder (Prisma's multi-file schema layout). */
export async function readPrismaSchema(dir: string): Promise<PrismaSchema> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.prisma')).sort();
  const files = await Promise.all(
    names.map(async (name) => ({
      file: path.relative(process.cwd(), path.join(dir, name)),
      text: await readFile(path.join(dir, name), 'utf8'),
    })),
  );
  return parsePrismaSchema(files);
}

/** Comment-free, non-empty lines; a line with an open `(` or `[` continues on the next one. */
function logicalLines(source: SchemaFile): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let open: LogicalLine | null = null;
  const texts = source.text.split(/\r?\n/);
  for (let index = 0; index < texts.length; index++) {
    const location = { file: source.file, line: index + 1 };
    const tokens = tokenizeLine(texts[index] ?? '', open?.location ?? location);
    if (open) open.tokens.push(...tokens);
    else if (tokens.length > 0) open = { location, tokens };
    if (open && bracketDepth(open.tokens) <= 0) {
      lines.push(open);
      open = null;
    }
  }
  if (open) throw new PrismaSchemaError(open.location, 'unclosed bracket');
  return lines;
}

export function parsePrismaSchema(files: SchemaFile[]): PrismaSchema {
  const models: PrismaModel[] = [];
  const enums: PrismaEnum[] = [];
  let datasource: Datasource | null = null;
  for (const file of files) {
    const lines = logicalLines(file);
    for (let i = 0; i < lines.length; i++) {
      const header = lines[i];
      const cursor = new TokenCursor(header.tokens, header.location);
      const keyword = cursor.ident();
      const name = cursor.ident();
      cursor.punct('{');
      if (!cursor.atEnd()) cursor.fail('expected the block to continue on the next line');
      const body: LogicalLine[] = [];
      for (i++; ; i++) {
        const line = lines[i];
        if (line === undefined)
          throw new PrismaSchemaError(header.location, `${keyword} ${name}: missing "}"`);
        const closing =
          line.tokens.length === 1 && line.tokens[0]?.kind === 'punct' && line.tokens[0].text === '}';
        if (closing) break;
        body.push(line);
      }
      switch (keyword) {
        case 'generator':
          body.forEach(keyValue);
          break;
        case 'datasource':
          if (datasource) throw new PrismaSchemaError(header.location, 'a second datasource block');
          datasource = parseDatasource(body);
          break;
        case 'enum':
          enums.push(parseEnum(name, header.location, body));
          break;
        case 'model':
          models.push(parseModel(name, header.location, body));
          break;
        default:
          throw new PrismaSchemaError(header.location, `unsupported block "${keyword}"`);
      }
    }
  }
  if (!datasource)
    throw new PrismaSchemaError({ file: files[0]?.file ?? '(none)', line: 1 }, 'no datasource block');
  const { schemas, relationMode } = datasource;
  return { schemas: schemas ?? ['public'], multiSchema: schemas !== undefined, relationMode, enums, models };
}

function keyValue(line: LogicalLine): { key: string; value: ReturnType<TokenCursor['value']> } {
  const cursor = new TokenCursor(line.tokens, line.location);
  const key = cursor.ident();
  cursor.punct('=');
  const value = cursor.value();
  if (!cursor.atEnd()) cursor.fail('unexpected text after the value');
  return { key, value };
}

function parseDatasource(body: LogicalLine[]): Datasource {
  const result: Datasource = { relationMode: 'foreignKeys' };
  for (const line of body) {
    const { key, value } = keyValue(line);
    const fail = (reason: string) => new PrismaSchemaError(line.location, `datasource ${key}: ${reason}`);
    switch (key) {
      case 'provider':
        if (value.kind !== 'string' || value.value !== 'postgresql')
          throw fail('only "postgresql" is supported');
        break;
      case 'schemas':
        if (value.kind !== 'list' || value.items.length === 0)
          throw fail('must be a non-empty list of strings');
        result.schemas = value.items.map((item) => {
          if (item.kind !== 'string') throw fail('must be a list of strings');
          return item.value;
        });
        break;
      case 'relationMode':
        if (value.kind !== 'string' || (value.value !== 'foreignKeys' && value.value !== 'prisma')) {
          throw fail('must be "foreignKeys" or "prisma"');
        }
        result.relationMode = value.value;
        break;
      case 'url':
      case 'directUrl':
      case 'shadowDatabaseUrl':
        break; // connection settings, not part of the database's shape
      default:
        throw fail('unsupported setting');
    }
  }
  return result;
}

function parseEnum(name: string, location: SourceLocation, body: LogicalLine[]): PrismaEnum {
  const result: PrismaEnum = { name, dbName: name, location, values: [] };
  for (const line of body) {
    const cursor = new TokenCursor(line.tokens, line.location);
    if (cursor.isPunct('@@')) {
      const attribute = cursor.attribute();
      if (attribute.name === 'map') result.dbName = stringAttribute(attribute, line.location);
      else if (attribute.name === 'schema') result.schema = stringAttribute(attribute, line.location);
      else cursor.fail(`unsupported enum attribute @@${attribute.name}`);
    } else {
      const value = cursor.ident();
      let dbName = value;
      while (!cursor.atEnd()) {
        const attribute = cursor.attribute();
        if (attribute.block || attribute.name !== 'map') cursor.fail('unsupported enum value attribute');
        dbName = stringAttribute(attribute, line.location);
      }
      result.values.push({ name: value, dbName });
    }
    if (!cursor.atEnd()) cursor.fail('unexpected text');
  }
  if (result.values.length === 0) throw new PrismaSchemaError(location, `enum ${name} has no values`);
  return result;
}

function parseModel(name: string, location: SourceLocation, body: LogicalLine[]): PrismaModel {
  const model: PrismaModel = { name, dbName: name, location, fields: [], uniques: [], indexes: [] };
  for (const line of body) {
    const cursor = new TokenCursor(line.tokens, line.location);
    if (!cursor.isPunct('@@')) {
      model.fields.push(parseField(cursor));
      continue;
    }
    const attribute = cursor.attribute();
    if (!cursor.atEnd()) cursor.fail('unexpected text after a block attribute');
    switch (attribute.name) {
      case 'id':
        if (model.id) cursor.fail('@@id given twice');
        model.id = keyAttribute(attribute, line.location);
        break;
      case 'unique':
        model.uniques.push(keyAttribute(attribute, line.location));
        break;
      case 'index':
        model.indexes.push(keyAttribute(attribute, line.location));
        break;
      case 'map':
        model.dbName = stringAttribute(attribute, line.location);
        break;
      case 'schema':
        model.schema = stringAttribute(attribute, line.location);
        break;
      default:
        cursor.fail(`unsupported model attribute @@${attribute.name}`);
    }
  }
  return model;
}

function parseField(cursor: TokenCursor): PrismaField {
  const name = cursor.ident();
  const type = cursor.ident();
  if (cursor.isPunct('(')) cursor.fail(`unsupported field type ${type}(...)`);
  const field: PrismaField = {
    name,
    type,
    optional: false,
    list: false,
    location: cursor.location,
    updatedAt: false,
  };
  if (cursor.isPunct('[')) {
    cursor.punct('[');
    cursor.punct(']');
    field.list = true;
  }
  if (cursor.isPunct('?')) {
    if (field.list) cursor.fail('a list cannot be optional');
    cursor.punct('?');
    field.optional = true;
  }
  while (!cursor.atEnd()) applyFieldAttribute(field, cursor.attribute(), cursor.location);
  return field;
}
