import type pg from 'pg';
import type { ReferentialAction } from './prisma-schema.types.js';
import {
  classifyDefault,
  normalizeType,
  type ColumnShape,
  type DatabaseShape,
  type EnumShape,
  type TableShape,
} from './schema-shape.js';

/** Reads the actual shape of the given PostgreSQL schemas from the system catalogs. */

const ACTIONS: Record<string, ReferentialAction> = {
  a: 'NoAction',
  r: 'Restrict',
  c: 'Cascade',
  n: 'SetNull',
  d: 'SetDefault',
};

const TABLES = `
  SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[])
   ORDER BY 2, 3`;

// Enum types are spelled `schema.Name` whatever the search_path; everything else as format_type prints it.
const COLUMNS = `
  SELECT a.attrelid::text AS oid, a.attname AS name, a.attnotnull AS not_null,
         CASE WHEN et.typtype = 'e'
              THEN en.nspname || '.' || et.typname || CASE WHEN t.oid <> et.oid THEN '[]' ELSE '' END
              ELSE format_type(a.atttypid, a.atttypmod) END AS type,
         pg_get_expr(d.adbin, d.adrelid) AS default_sql, a.attidentity::text AS identity,
         a.attgenerated::text AS generated
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
    JOIN pg_namespace en ON en.oid = et.typnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY a.attrelid, a.attnum`;

const CONSTRAINTS = `
  SELECT con.conrelid::text AS oid, con.conname AS name, con.contype::text AS type,
         ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                ORDER BY k.ord)::text[] AS columns,
         rn.nspname AS ref_schema, rc.relname AS ref_table,
         ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                ORDER BY k.ord)::text[] AS ref_columns,
         con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
    FROM pg_constraint con
    LEFT JOIN pg_class rc ON rc.oid = con.confrelid
    LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
   WHERE con.conrelid = ANY($1::oid[]) AND con.contype IN ('p', 'f')
   ORDER BY con.conname`;

// Key columns only (INCLUDE columns excluded); expression keys as pg_get_indexdef prints them.
const INDEXES = `
  SELECT x.indrelid::text AS oid, i.relname AS name, x.indisunique AS is_unique, am.amname AS method,
         pg_get_expr(x.indpred, x.indrelid) AS predicate, x.indnatts > x.indnkeyatts AS has_include,
         ARRAY(SELECT CASE WHEN k.attnum = 0 THEN pg_get_indexdef(x.indexrelid, k.ord::int, true) ELSE a.attname::text END
                      || CASE WHEN (x.indoption[(k.ord - 1)::int] & 1) = 1 THEN ' DESC' ELSE '' END
                 FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                 LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                WHERE k.ord <= x.indnkeyatts
                ORDER BY k.ord)::text[] AS columns
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_am am ON am.oid = i.relam
   WHERE x.indrelid = ANY($1::oid[]) AND NOT x.indisprimary
   ORDER BY i.relname`;

interface TableRow {
  oid: string;
  schema: string;
  name: string;
}
interface ColumnRow {
  oid: string;
  name: string;
  not_null: boolean;
  type: string;
  default_sql: string | null;
  identity: string;
  generated: string;
}
interface ConstraintRow {
  oid: string;
  name: string;
  type: 'p' | 'f';
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[];
  on_delete: string;
  on_update: string;
}
interface IndexRow {
  oid: string;
  name: string;
  is_unique: boolean;
  method: string;
  predicate: string | null;
  has_include: boolean;
  columns: string[];
}

function column(row: ColumnRow): ColumnShape {
  let value = classifyDefault(row.default_sql);
  if (row.identity !== '') value = { kind: 'identity' };
  if (row.generated !== '') value = { kind: 'sql', sql: `GENERATED ALWAYS AS (${row.default_sql ?? ''})` };
  return { name: row.name, type: normalizeType(row.type), nullable: !row.not_null, default: value };
}

function action(code: string): ReferentialAction {
  const found = ACTIONS[code];
  if (!found) throw new Error(`unknown referential action code "${code}"`);
  return found;
}

/** Anything Prisma cannot express (another method, a predicate) stays visible in the column list. */
function indexColumns(row: IndexRow): string[] {
  const extras = [
    ...(row.method === 'btree' ? [] : [`USING ${row.method}`]),
    ...(row.has_include ? ['INCLUDE (...)'] : []),
    ...(row.predicate === null ? [] : [`WHERE ${row.predicate}`]),
  ];
  return [...row.columns, ...extras];
}

export async function readDatabaseShape(client: pg.ClientBase, schemas: string[]): Promise<DatabaseShape> {
  const present = await client.query<{ name: string }>(
    'SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1::text[])',
    [schemas],
  );
  const enums = await client.query<EnumShape>(
    `SELECT n.nspname AS schema, t.typname AS name,
            COALESCE(array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FILTER (WHERE e.enumlabel IS NOT NULL),
                     '{}')::text[] AS "values"
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       LEFT JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.typtype = 'e' AND n.nspname = ANY($1::text[])
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [schemas],
  );
  const tableRows = (await client.query<TableRow>(TABLES, [schemas])).rows;
  const oids = tableRows.map((t) => t.oid);
  const columns = (await client.query<ColumnRow>(COLUMNS, [oids])).rows;
  const constraints = (await client.query<ConstraintRow>(CONSTRAINTS, [oids])).rows;
  const indexes = (await client.query<IndexRow>(INDEXES, [oids])).rows;

  const tables = tableRows.map((t): TableShape => {
    const primary = constraints.find((c) => c.oid === t.oid && c.type === 'p');
    const tableIndexes = indexes.filter((i) => i.oid === t.oid);
    return {
      schema: t.schema,
      name: t.name,
      columns: columns.filter((c) => c.oid === t.oid).map(column),
      primaryKey: primary ? { name: primary.name, columns: primary.columns } : null,
      uniques: tableIndexes
        .filter((i) => i.is_unique)
        .map((i) => ({ name: i.name, columns: indexColumns(i) })),
      indexes: tableIndexes
        .filter((i) => !i.is_unique)
        .map((i) => ({ name: i.name, columns: indexColumns(i) })),
      foreignKeys: constraints
        .filter((c) => c.oid === t.oid && c.type === 'f')
        .map((c) => ({
          name: c.name,
          columns: c.columns,
          refSchema: c.ref_schema ?? '',
          refTable: c.ref_table ?? '',
          refColumns: c.ref_columns,
          onDelete: action(c.on_delete),
          onUpdate: action(c.on_update),
        })),
    };
  });
  return { schemas: present.rows.map((r) => r.name), tables, enums: enums.rows };
}
