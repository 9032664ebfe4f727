import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { readDatabaseShape } from './database-schema.reader.js';
import { expectedShape } from './expected-shape.js';
import { parsePrismaSchema } from './prisma-schema.parser.js';
import { diffShapes } from './schema-diff.js';
import type { DatabaseShape } from './schema-shape.js';

// Types, defaults and keys the project's schema does not use yet, with the DDL Prisma would write for them.
const SCHEMA = `
datasource db {
  provider = "postgresql"
  schemas  = ["sc_a", "sc_b"]
}

enum Kind {
  small
  large @map("LARGE")

  @@map("kind")
  @@schema("sc_b")
}

model Owner {
  id      Int       @id @default(autoincrement())
  email   String    @unique @db.VarChar(320)
  code    String    @db.Char(3)
  score   Decimal   @default(0.50) @db.Decimal(10, 2)
  ratio   Float     @default(-1.5)
  small   Int       @default(-1) @db.SmallInt
  big     BigInt?
  blob    Bytes?
  meta    Json      @default("{}") @db.Json
  tags    String[]  @default([])
  kinds   Kind[]
  kind    Kind      @default(large)
  born    DateTime? @db.Date
  at      DateTime  @default(now())
  changed DateTime  @updatedAt @db.Timestamptz(6)
  token   String    @default(uuid()) @db.Uuid
  active  Boolean   @default(true)
  pets    Pet[]

  @@unique([code, small], map: "owner_code_small_uq")
  @@map("owner")
  @@schema("sc_a")
}

model Pet {
  ownerId Int    @map("owner_id")
  name    String
  owner   Owner  @relation(fields: [ownerId], references: [id], onDelete: Cascade)

  @@id([ownerId, name])
  @@index([name(sort: Desc)])
  @@schema("sc_b")
}
`;

const DDL = `
CREATE SCHEMA "sc_a";
CREATE SCHEMA "sc_b";
CREATE TYPE "sc_b"."kind" AS ENUM ('small', 'LARGE');
CREATE TABLE "sc_a"."owner" (
    "id" SERIAL NOT NULL,
    "email" VARCHAR(320) NOT NULL,
    "code" CHAR(3) NOT NULL,
    "score" DECIMAL(10,2) NOT NULL DEFAULT 0.50,
    "ratio" DOUBLE PRECISION NOT NULL DEFAULT -1.5,
    "small" SMALLINT NOT NULL DEFAULT -1,
    "big" BIGINT,
    "blob" BYTEA,
    "meta" JSON NOT NULL DEFAULT '{}',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "kinds" "sc_b"."kind"[],
    "kind" "sc_b"."kind" NOT NULL DEFAULT 'LARGE',
    "born" DATE,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changed" TIMESTAMPTZ(6) NOT NULL,
    "token" UUID NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    CONSTRAINT "owner_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "sc_b"."Pet" (
    "owner_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "Pet_pkey" PRIMARY KEY ("owner_id", "name")
);
CREATE UNIQUE INDEX "owner_email_key" ON "sc_a"."owner"("email");
CREATE UNIQUE INDEX "owner_code_small_uq" ON "sc_a"."owner"("code", "small");
CREATE INDEX "Pet_name_idx" ON "sc_b"."Pet"("name" DESC);
ALTER TABLE "sc_b"."Pet" ADD CONSTRAINT "Pet_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "sc_a"."owner"("id") ON DELETE CASCADE ON UPDATE CASCADE;
`;

describe('readDatabaseShape against Prisma-style DDL', () => {
  let db: TestDatabase;
  let client: pg.Client;
  const expected = expectedShape(parsePrismaSchema([{ file: 'reader.prisma', text: SCHEMA }]));

  /** Runs DDL (plus `change`) in a transaction that is rolled back, and returns the shape read inside it. */
  async function shapeAfter(change = ''): Promise<DatabaseShape> {
    await client.query('BEGIN');
    try {
      await client.query(DDL + change);
      return await readDatabaseShape(client, ['sc_a', 'sc_b']);
    } finally {
      await client.query('ROLLBACK');
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('finds no differences', async () => {
    expect(diffShapes(expected, await shapeAfter())).toEqual([]);
  });

  it('reads types, defaults and keys as the diff compares them', async () => {
    const actual = await shapeAfter();
    const owner = actual.tables.find((t) => t.name === 'owner');
    const column = (name: string) => owner?.columns.find((c) => c.name === name);
    expect(actual.schemas.sort()).toEqual(['sc_a', 'sc_b']);
    expect(actual.enums).toEqual([{ schema: 'sc_b', name: 'kind', values: ['small', 'LARGE'] }]);
    expect(column('kinds')).toEqual({
      name: 'kinds',
      type: 'sc_b.kind[]',
      nullable: true,
      default: { kind: 'none' },
    });
    expect(column('ratio')?.default).toEqual({ kind: 'sql', sql: '-1.5' });
    expect(column('id')?.default).toEqual({ kind: 'sequence' });
    expect(actual.tables.find((t) => t.name === 'Pet')).toMatchObject({
      primaryKey: { name: 'Pet_pkey', columns: ['owner_id', 'name'] },
      indexes: [{ name: 'Pet_name_idx', columns: ['name DESC'] }],
      foreignKeys: [{ refSchema: 'sc_a', refTable: 'owner', onDelete: 'Cascade', onUpdate: 'Cascade' }],
    });
  });

  it.each([
    [
      'an identity column instead of a serial one',
      'ALTER TABLE sc_a.owner ALTER COLUMN id DROP DEFAULT; ALTER TABLE sc_a.owner ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY',
      ['sc_a.owner.id: default differs: expected autoincrement (nextval), found identity column'],
    ],
    [
      'a partial unique index',
      'DROP INDEX sc_a.owner_email_key; CREATE UNIQUE INDEX owner_email_key ON sc_a.owner (email) WHERE active',
      [
        'sc_a.owner: missing unique (email)',
        'sc_a.owner: extra unique (email, WHERE active) ("owner_email_key", not in schema.prisma)',
      ],
    ],
    [
      'an index of another method',
      'DROP INDEX sc_b."Pet_name_idx"; CREATE INDEX "Pet_name_idx" ON sc_b."Pet" USING hash (name)',
      [
        'sc_b.Pet: missing index (name DESC)',
        'sc_b.Pet: extra index (name, USING hash) ("Pet_name_idx", not in schema.prisma)',
      ],
    ],
    [
      'a unique constraint instead of a unique index (same shape)',
      'DROP INDEX sc_a.owner_email_key; ALTER TABLE sc_a.owner ADD CONSTRAINT owner_email_key UNIQUE (email)',
      [],
    ],
    [
      'enum values in another order',
      `ALTER TYPE sc_b.kind RENAME TO old_kind; CREATE TYPE sc_b.kind AS ENUM ('LARGE', 'small');
       ALTER TABLE sc_a.owner DROP COLUMN kinds, DROP COLUMN kind; DROP TYPE sc_b.old_kind;
       ALTER TABLE sc_a.owner ADD COLUMN kinds sc_b.kind[], ADD COLUMN kind sc_b.kind NOT NULL DEFAULT 'LARGE'`,
      ['enum sc_b.kind: values differ: expected [small,LARGE], found [LARGE,small]'],
    ],
    [
      'a missing schema',
      'DROP TABLE sc_b."Pet"; DROP TABLE sc_a.owner; DROP SCHEMA sc_a',
      [
        'schema sc_a: missing (listed in the datasource)',
        'sc_a.owner: missing table',
        'sc_b.Pet: missing table',
      ],
    ],
  ])('reports %s', async (_case, change, mismatches) => {
    expect(diffShapes(expected, await shapeAfter(`;\n${change}`)).sort()).toEqual([...mismatches].sort());
  });
});
