import { describe, expect, it } from '@jest/globals';
import { expectedShape } from './expected-shape.js';
import { parsePrismaSchema } from './prisma-schema.parser.js';
import { PrismaSchemaError } from './prisma-schema.types.js';
import { defaultConstraintName, type ColumnShape, type DatabaseShape } from './schema-shape.js';

const HEADER = `datasource db {
  provider = "postgresql"
  schemas  = ["app", "other"]
}

enum Status {
  open
  closed @map("CLOSED")
  @@map("status")
  @@schema("other")
}
`;

function shapeOf(models: string): DatabaseShape {
  return expectedShape(parsePrismaSchema([{ file: 's.prisma', text: HEADER + models }]));
}

function columnOf(line: string): Omit<ColumnShape, 'name'> {
  const shape = shapeOf(`model T {\n  id Int @id\n  ${line}\n  @@schema("app")\n}\n`);
  const found = shape.tables[0]?.columns[1];
  if (!found) throw new Error('no column');
  const { name: _name, ...column } = found;
  return column;
}

describe('expectedShape: columns', () => {
  it.each<[string, string, boolean, ColumnShape['default']]>([
    ['c String', 'text', false, { kind: 'none' }],
    ['c String?', 'text', true, { kind: 'none' }],
    ['c String[]', 'text[]', true, { kind: 'none' }],
    ['c String[] @default([])', 'text[]', true, { kind: 'sql', sql: 'ARRAY[]' }],
    [
      'c String @db.VarChar(20) @default("it\'s")',
      'character varying(20)',
      false,
      { kind: 'sql', sql: "'it''s'" },
    ],
    ['c String @db.Char(2)', 'character(2)', false, { kind: 'none' }],
    ['c String @db.Uuid @default(uuid())', 'uuid', false, { kind: 'none' }],
    [
      'c String @db.Uuid @default(dbgenerated("gen_random_uuid()"))',
      'uuid',
      false,
      { kind: 'sql', sql: 'gen_random_uuid()' },
    ],
    ['c String @db.Text', 'text', false, { kind: 'none' }],
    ['c Int @default(-1)', 'integer', false, { kind: 'sql', sql: '-1' }],
    ['c Int @db.SmallInt', 'smallint', false, { kind: 'none' }],
    ['c Int @default(autoincrement()) @db.Integer', 'integer', false, { kind: 'sequence' }],
    ['c BigInt @default(autoincrement())', 'bigint', false, { kind: 'sequence' }],
    ['c Boolean @default(true)', 'boolean', false, { kind: 'sql', sql: 'true' }],
    ['c DateTime', 'timestamp(3) without time zone', false, { kind: 'none' }],
    ['c DateTime @default(now()) @db.Timestamptz(3)', 'timestamp(3) with time zone', false, { kind: 'now' }],
    ['c DateTime @db.Timestamptz(6)', 'timestamp with time zone', false, { kind: 'none' }],
    ['c DateTime @updatedAt', 'timestamp(3) without time zone', false, { kind: 'none' }],
    ['c DateTime? @db.Date', 'date', true, { kind: 'none' }],
    ['c DateTime @db.Time(0)', 'time(0) without time zone', false, { kind: 'none' }],
    ['c Json', 'jsonb', false, { kind: 'none' }],
    ['c Json @db.Json @default("{}")', 'json', false, { kind: 'sql', sql: "'{}'" }],
    ['c Float @default(1.5)', 'double precision', false, { kind: 'sql', sql: '1.5' }],
    ['c Float @db.Real', 'real', false, { kind: 'none' }],
    ['c Decimal', 'numeric(65,30)', false, { kind: 'none' }],
    ['c Decimal @db.Decimal(10, 2) @default(0.50)', 'numeric(10,2)', false, { kind: 'sql', sql: '0.50' }],
    ['c Bytes', 'bytea', false, { kind: 'none' }],
    ['c Status @default(closed)', 'other.status', false, { kind: 'sql', sql: "'CLOSED'" }],
    ['c Status[]', 'other.status[]', true, { kind: 'none' }],
    ['c Int @default(dbgenerated())', 'integer', false, { kind: 'any' }],
  ])('%s', (line, type, nullable, value) => {
    expect(columnOf(line)).toEqual({ type, nullable, default: value });
  });
});

describe('expectedShape: keys', () => {
  const shape = shapeOf(`
model Parent {
  a    String
  b    Int
  code String @unique
  kids Child[]
  @@id([a, b])
  @@unique([b, code], map: "parent_b_code_uq")
  @@map("parent")
  @@schema("app")
}

model Child {
  id        BigInt  @id @default(autoincrement()) @map("child_id")
  parentA   String  @map("parent_a")
  parentB   Int     @map("parent_b")
  parent    Parent  @relation(fields: [parentA, parentB], references: [a, b])
  otherA    String? @map("other_a")
  otherB    Int?    @map("other_b")
  other     Parent? @relation("Other", fields: [otherA, otherB], references: [a, b], onDelete: Cascade, onUpdate: NoAction)
  @@index([parentB(sort: Desc), parentA])
  @@schema("other")
}
`);
  const [parent, child] = shape.tables;

  it('maps ids, uniques and indexes to column lists with Prisma default names', () => {
    expect(parent).toMatchObject({
      schema: 'app',
      name: 'parent',
      primaryKey: { name: 'parent_pkey', columns: ['a', 'b'] },
      uniques: [
        { name: 'parent_code_key', columns: ['code'] },
        { name: 'parent_b_code_uq', columns: ['b', 'code'] },
      ],
    });
    expect(parent?.columns.map((c) => c.name)).toEqual(['a', 'b', 'code']);
    expect(child).toMatchObject({
      schema: 'other',
      name: 'Child',
      primaryKey: { name: 'Child_pkey', columns: ['child_id'] },
      indexes: [{ name: 'Child_parent_b_parent_a_idx', columns: ['parent_b DESC', 'parent_a'] }],
    });
  });

  it('defaults ON DELETE by optionality (Restrict / SetNull) and ON UPDATE to Cascade', () => {
    expect(child?.foreignKeys).toEqual([
      {
        name: 'Child_parent_a_parent_b_fkey',
        columns: ['parent_a', 'parent_b'],
        refSchema: 'app',
        refTable: 'parent',
        refColumns: ['a', 'b'],
        onDelete: 'Restrict',
        onUpdate: 'Cascade',
      },
      expect.objectContaining({ columns: ['other_a', 'other_b'], onDelete: 'Cascade', onUpdate: 'NoAction' }),
    ]);
  });

  it.each([
    ['t', ['a'], 'pkey', 't_pkey'],
    ['t', ['a', 'b'], 'key', 't_a_b_key'],
    ['x'.repeat(70), [], 'pkey', `${'x'.repeat(58)}_pkey`],
    ['t', ['c'.repeat(70)], 'idx', `t_${'c'.repeat(57)}_idx`],
    ['t', ['c'.repeat(70)], 'fkey', `t_${'c'.repeat(56)}_fkey`],
  ] as const)('names %s %j %s as %s', (table, columns, suffix, name) => {
    expect(defaultConstraintName(table, [...columns], suffix)).toBe(name);
    expect(name.length).toBeLessThanOrEqual(63);
  });
});

describe('expectedShape: schemas it cannot map', () => {
  it.each([
    ['a model without @@schema', 'model M {\n  id Int @id\n}\n'],
    ['a schema not in the datasource', 'model M {\n  id Int @id\n  @@schema("nope")\n}\n'],
    ['an unknown type', 'model M {\n  id Int @id\n  p Point\n  @@schema("app")\n}\n'],
    ['an unknown native type', 'model M {\n  id Int @id @db.Serial\n  @@schema("app")\n}\n'],
    [
      'a default that is not an enum value',
      'model M {\n  id Int @id\n  s Status @default(gone)\n  @@schema("app")\n}\n',
    ],
    [
      'a relation to a missing field',
      'model M {\n  id Int @id\n  m M? @relation(fields: [mId], references: [id])\n  @@schema("app")\n}\n',
    ],
    [
      'an implicit many-to-many relation',
      'model A {\n  id Int @id\n  bs B[]\n  @@schema("app")\n}\nmodel B {\n  id Int @id\n  as A[]\n  @@schema("app")\n}\n',
    ],
  ])('throws for %s', (_case, models) => {
    expect(() => shapeOf(models)).toThrow(PrismaSchemaError);
    expect(() => shapeOf(models)).toThrow(/^s\.prisma:\d+: /);
  });
});
