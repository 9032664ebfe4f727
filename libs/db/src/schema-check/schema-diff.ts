import type { ReferentialAction } from './prisma-schema.types.js';
import {
  defaultsMatch,
  describeDefault,
  type DatabaseShape,
  type ForeignKeyShape,
  type KeyShape,
  type TableShape,
} from './schema-shape.js';

/**
 * Every difference between the expected shape (from schema.prisma) and the actual one, one plain
 * sentence each, prefixed by the object it concerns. An empty list means they match. The actual
 * shape holds only the datasource's schemas, so tables elsewhere (`public._prisma_migrations`)
 * never show up.
 */

const ACTION_SQL: Record<ReferentialAction, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

const list = (columns: string[]) => `(${columns.join(', ')})`;
const qualified = (item: { schema: string; name: string }) => `${item.schema}.${item.name}`;

function byKey<T>(items: T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

function diffKeys(where: string, what: string, expected: KeyShape[], actual: KeyShape[]): string[] {
  const found = byKey(actual, (k) => list(k.columns));
  const wanted = byKey(expected, (k) => list(k.columns));
  const lines: string[] = [];
  for (const [columns, key] of wanted) {
    const match = found.get(columns);
    if (!match) lines.push(`${where}: missing ${what} ${columns}`);
    else if (match.name !== key.name) {
      lines.push(`${where}: ${what} ${columns} is named "${match.name}", expected "${key.name}"`);
    }
  }
  for (const [columns, key] of found) {
    if (!wanted.has(columns))
      lines.push(`${where}: extra ${what} ${columns} ("${key.name}", not in schema.prisma)`);
  }
  return lines;
}

function describeForeignKey(fk: ForeignKeyShape): string {
  return `${list(fk.columns)} -> ${fk.refSchema}.${fk.refTable}${list(fk.refColumns)}`;
}

function diffForeignKeys(where: string, expected: ForeignKeyShape[], actual: ForeignKeyShape[]): string[] {
  const found = byKey(actual, describeForeignKey);
  const wanted = byKey(expected, describeForeignKey);
  const lines: string[] = [];
  for (const [described, fk] of wanted) {
    const match = found.get(described);
    if (!match) {
      lines.push(`${where}: missing foreign key ${described}`);
      continue;
    }
    const prefix = `${where}: foreign key ${described}`;
    if (match.onDelete !== fk.onDelete) {
      lines.push(
        `${prefix}: ON DELETE differs: expected ${ACTION_SQL[fk.onDelete]}, found ${ACTION_SQL[match.onDelete]}`,
      );
    }
    if (match.onUpdate !== fk.onUpdate) {
      lines.push(
        `${prefix}: ON UPDATE differs: expected ${ACTION_SQL[fk.onUpdate]}, found ${ACTION_SQL[match.onUpdate]}`,
      );
    }
    if (match.name !== fk.name) lines.push(`${prefix}: is named "${match.name}", expected "${fk.name}"`);
  }
  for (const [described, fk] of found) {
    if (!wanted.has(described)) {
      lines.push(`${where}: extra foreign key ${described} ("${fk.name}", not in schema.prisma)`);
    }
  }
  return lines;
}

function diffTable(expected: TableShape, actual: TableShape): string[] {
  const where = qualified(expected);
  const lines: string[] = [];
  const found = byKey(actual.columns, (c) => c.name);
  for (const column of expected.columns) {
    const at = `${where}.${column.name}`;
    const match = found.get(column.name);
    if (!match) {
      lines.push(`${at}: missing column`);
      continue;
    }
    if (match.type !== column.type)
      lines.push(`${at}: type differs: expected ${column.type}, found ${match.type}`);
    if (match.nullable !== column.nullable) {
      const say = (nullable: boolean) => (nullable ? 'nullable' : 'NOT NULL');
      lines.push(
        `${at}: nullability differs: expected ${say(column.nullable)}, found ${say(match.nullable)}`,
      );
    }
    if (!defaultsMatch(column.default, match.default)) {
      lines.push(
        `${at}: default differs: expected ${describeDefault(column.default)}, found ${describeDefault(match.default)}`,
      );
    }
  }
  const wantedColumns = new Set(expected.columns.map((c) => c.name));
  for (const column of actual.columns) {
    if (!wantedColumns.has(column.name))
      lines.push(`${where}.${column.name}: extra column (not in schema.prisma)`);
  }
  lines.push(
    ...diffKeys(
      where,
      'primary key',
      expected.primaryKey ? [expected.primaryKey] : [],
      actual.primaryKey ? [actual.primaryKey] : [],
    ),
    ...diffKeys(where, 'unique', expected.uniques, actual.uniques),
    ...diffForeignKeys(where, expected.foreignKeys, actual.foreignKeys),
    ...diffKeys(where, 'index', expected.indexes, actual.indexes),
  );
  return lines;
}

export function diffShapes(expected: DatabaseShape, actual: DatabaseShape): string[] {
  const lines: string[] = [];
  for (const schema of expected.schemas) {
    if (!actual.schemas.includes(schema)) lines.push(`schema ${schema}: missing (listed in the datasource)`);
  }
  const enums = byKey(actual.enums, qualified);
  for (const wanted of expected.enums) {
    const match = enums.get(qualified(wanted));
    if (!match) {
      lines.push(`enum ${qualified(wanted)}: missing`);
    } else if (match.values.join(',') !== wanted.values.join(',')) {
      lines.push(
        `enum ${qualified(wanted)}: values differ: expected [${wanted.values.join(',')}], found [${match.values.join(',')}]`,
      );
    }
  }
  const wantedEnums = new Set(expected.enums.map(qualified));
  for (const found of actual.enums) {
    if (!wantedEnums.has(qualified(found)))
      lines.push(`enum ${qualified(found)}: extra (not in schema.prisma)`);
  }
  const tables = byKey(actual.tables, qualified);
  for (const wanted of expected.tables) {
    const match = tables.get(qualified(wanted));
    if (match) lines.push(...diffTable(wanted, match));
    else lines.push(`${qualified(wanted)}: missing table`);
  }
  const wantedTables = new Set(expected.tables.map(qualified));
  for (const found of actual.tables) {
    if (!wantedTables.has(qualified(found)))
      lines.push(`${qualified(found)}: extra table (not in schema.prisma)`);
  }
  return lines;
}
