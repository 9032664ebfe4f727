import type { ReferentialAction } from './prisma-schema.types.js';

/**
 * The shape of a database as schema-check compares it: derived from schema.prisma (expected) or
 * read from PostgreSQL (actual). Types are spelled as `format_type` prints them; enum types as
 * `schema.Name` (unquoted); descending index columns carry a ` DESC` suffix.
 */

export type ColumnDefault =
  | { kind: 'none' }
  /** `nextval(...)`: serial columns, `@default(autoincrement())`. */
  | { kind: 'sequence' }
  /** `CURRENT_TIMESTAMP` or `now()`. */
  | { kind: 'now' }
  /** `GENERATED ... AS IDENTITY`: never expected, Prisma uses serial columns. */
  | { kind: 'identity' }
  /** `@default(dbgenerated())` without an expression: any database default will do. */
  | { kind: 'any' }
  | { kind: 'sql'; sql: string };

export interface ColumnShape {
  name: string;
  type: string;
  nullable: boolean;
  default: ColumnDefault;
}

export interface KeyShape {
  name: string;
  columns: string[];
}

export interface ForeignKeyShape {
  name: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface TableShape {
  schema: string;
  name: string;
  columns: ColumnShape[];
  primaryKey: KeyShape | null;
  uniques: KeyShape[];
  indexes: KeyShape[];
  foreignKeys: ForeignKeyShape[];
}

export interface EnumShape {
  schema: string;
  name: string;
  values: string[];
}

export interface DatabaseShape {
  /** Expected: the datasource's schemas. Actual: those of them that exist. */
  schemas: string[];
  tables: TableShape[];
  enums: EnumShape[];
}

const POSTGRES_MAX_IDENTIFIER = 63;

/** Prisma's default constraint and index names: `{table}_{columns}_{suffix}`, cut to 63 bytes. */
export function defaultConstraintName(
  table: string,
  columns: string[],
  suffix: 'pkey' | 'key' | 'idx' | 'fkey',
): string {
  const base = suffix === 'pkey' ? table : [table, ...columns].join('_');
  return `${base.slice(0, POSTGRES_MAX_IDENTIFIER - suffix.length - 1)}_${suffix}`;
}

/**
 * Classifies a default expression as PostgreSQL prints it (`pg_get_expr`), dropping the casts it
 * adds to literals: `'pending'::platform."OutboxStatus"` and `'pending'` compare equal.
 */
export function classifyDefault(expression: string | null): ColumnDefault {
  if (expression === null) return { kind: 'none' };
  const sql = expression.trim().replace(/\s+/g, ' ');
  if (/^nextval\(/i.test(sql)) return { kind: 'sequence' };
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(sql)) return { kind: 'now' };
  return { kind: 'sql', sql: normalizeLiteral(sql) };
}

function normalizeLiteral(sql: string): string {
  const cast = /^('(?:[^']|'')*'|ARRAY\[\])::([^']+)$/.exec(sql);
  const literal = cast ? cast[1] : sql;
  // An empty array may be written ARRAY[]::text[] (as Prisma does) or '{}'::text[].
  if (literal === "'{}'" && cast?.[2]?.endsWith('[]')) return 'ARRAY[]';
  const number = /^\(?'?(-?\d+(?:\.\d+)?)'?\)?$/.exec(literal);
  return number ? number[1] : literal;
}

export function describeDefault(value: ColumnDefault): string {
  switch (value.kind) {
    case 'none':
      return 'none';
    case 'sequence':
      return 'autoincrement (nextval)';
    case 'now':
      return 'now() / CURRENT_TIMESTAMP';
    case 'identity':
      return 'identity column';
    case 'any':
      return 'any database default';
    case 'sql':
      return value.sql;
  }
}

export function defaultsMatch(expected: ColumnDefault, actual: ColumnDefault): boolean {
  if (expected.kind === 'any') return actual.kind !== 'none';
  if (expected.kind === 'sql' && actual.kind === 'sql') return expected.sql === actual.sql;
  return expected.kind === actual.kind;
}

/** `timestamp(6)` is PostgreSQL's default precision, printed without it when not given. */
export function normalizeType(type: string): string {
  return type.replace(/^(timestamp|time)\(6\)/, '$1');
}
