import { describe, expect, it } from '@jest/globals';
import { parsePrismaSchema } from './prisma-schema.parser.js';
import type { PrismaField, PrismaModel } from './prisma-schema.types.js';

const DATASOURCE = `datasource db {
  provider = "postgresql" // comment after a value
  schemas  = ["app", "other"]
}
`;

function parseModel(body: string): PrismaModel {
  const text = `${DATASOURCE}\n/// doc comment\nmodel Thing {\n${body}\n  @@schema("app")\n}\n`;
  const model = parsePrismaSchema([{ file: 'test.prisma', text }]).models[0];
  if (!model) throw new Error('no model parsed');
  return model;
}

function parseField(line: string): Omit<PrismaField, 'location'> {
  const { location: _location, ...field } = parseModel(`  ${line}`).fields[0];
  return field;
}

const plain = { optional: false, list: false, updatedAt: false };

describe('parsePrismaSchema: field forms', () => {
  it.each<[string, Omit<PrismaField, 'location'>]>([
    ['name String', { name: 'name', type: 'String', ...plain }],
    ['note String?', { name: 'note', type: 'String', ...plain, optional: true }],
    ['tags String[]', { name: 'tags', type: 'String', ...plain, list: true }],
    [
      'id Int @id @default(autoincrement())',
      { name: 'id', type: 'Int', ...plain, id: {}, default: { kind: 'autoincrement' } },
    ],
    [
      'id String @id(map: "pk") @default(uuid())',
      { name: 'id', type: 'String', ...plain, id: { map: 'pk' }, default: { kind: 'client', fn: 'uuid' } },
    ],
    [
      'id String @default(uuid(7))',
      { name: 'id', type: 'String', ...plain, default: { kind: 'client', fn: 'uuid' } },
    ],
    ['at DateTime @default(now())', { name: 'at', type: 'DateTime', ...plain, default: { kind: 'now' } }],
    [
      'id String @default(dbgenerated("gen_random_uuid()")) @db.Uuid',
      {
        name: 'id',
        type: 'String',
        ...plain,
        default: { kind: 'dbgenerated', sql: 'gen_random_uuid()' },
        native: { name: 'Uuid', args: [] },
      },
    ],
    [
      'x Int @default(dbgenerated())',
      { name: 'x', type: 'Int', ...plain, default: { kind: 'dbgenerated', sql: null } },
    ],
    [
      's String @default("it\'s \\"quoted\\"")',
      { name: 's', type: 'String', ...plain, default: { kind: 'string', value: 'it\'s "quoted"' } },
    ],
    ['n Int @default(-5)', { name: 'n', type: 'Int', ...plain, default: { kind: 'number', raw: '-5' } }],
    [
      'd Decimal @default(1.50) @db.Decimal(10, 2)',
      {
        name: 'd',
        type: 'Decimal',
        ...plain,
        default: { kind: 'number', raw: '1.50' },
        native: { name: 'Decimal', args: [10, 2] },
      },
    ],
    [
      'b Boolean @default(false)',
      { name: 'b', type: 'Boolean', ...plain, default: { kind: 'boolean', value: false } },
    ],
    [
      's Status @default(open)',
      { name: 's', type: 'Status', ...plain, default: { kind: 'enum', value: 'open' } },
    ],
    [
      't String[] @default([])',
      { name: 't', type: 'String', ...plain, list: true, default: { kind: 'emptyList' } },
    ],
    [
      'e String @unique @map("e_mail") @db.VarChar(320)',
      {
        name: 'e',
        type: 'String',
        ...plain,
        unique: { sort: 'Asc' },
        map: 'e_mail',
        native: { name: 'VarChar', args: [320] },
      },
    ],
    [
      'k String @unique(map: "k_uq", sort: Desc)',
      { name: 'k', type: 'String', ...plain, unique: { sort: 'Desc', map: 'k_uq' } },
    ],
    [
      'at DateTime @updatedAt @db.Timestamptz(3)',
      { name: 'at', type: 'DateTime', ...plain, updatedAt: true, native: { name: 'Timestamptz', args: [3] } },
    ],
    [
      'day DateTime @db.Date // trailing comment',
      { name: 'day', type: 'DateTime', ...plain, native: { name: 'Date', args: [] } },
    ],
    [
      'owner User @relation(fields: [ownerId], references: [id])',
      { name: 'owner', type: 'User', ...plain, relation: { fields: ['ownerId'], references: ['id'] } },
    ],
    [
      'parent Thing? @relation("Tree", fields: [a, b], references: [x, y], onDelete: Cascade, onUpdate: NoAction, map: "fk")',
      {
        name: 'parent',
        type: 'Thing',
        ...plain,
        optional: true,
        relation: {
          name: 'Tree',
          fields: ['a', 'b'],
          references: ['x', 'y'],
          onDelete: 'Cascade',
          onUpdate: 'NoAction',
          map: 'fk',
        },
      },
    ],
    [
      'children Thing[] @relation(name: "Tree")',
      { name: 'children', type: 'Thing', ...plain, list: true, relation: { name: 'Tree' } },
    ],
  ])('%s', (line, expected) => {
    expect(parseField(line)).toEqual(expected);
  });
});

describe('parsePrismaSchema: block attributes', () => {
  it.each<[string, Partial<PrismaModel>]>([
    [
      '@@id([a, b])',
      {
        id: {
          fields: [
            { name: 'a', sort: 'Asc' },
            { name: 'b', sort: 'Asc' },
          ],
        },
      },
    ],
    [
      '@@id(fields: [a], map: "pk", name: "key")',
      { id: { fields: [{ name: 'a', sort: 'Asc' }], map: 'pk' } },
    ],
    [
      '@@unique([a, b], name: "ab")',
      {
        uniques: [
          {
            fields: [
              { name: 'a', sort: 'Asc' },
              { name: 'b', sort: 'Asc' },
            ],
          },
        ],
      },
    ],
    ['@@unique([a], map: "a_uq")', { uniques: [{ fields: [{ name: 'a', sort: 'Asc' }], map: 'a_uq' }] }],
    [
      '@@index([a, b(sort: Desc)])',
      {
        indexes: [
          {
            fields: [
              { name: 'a', sort: 'Asc' },
              { name: 'b', sort: 'Desc' },
            ],
          },
        ],
      },
    ],
    [
      '@@index([a(sort: Asc)], map: "a_ix")',
      { indexes: [{ fields: [{ name: 'a', sort: 'Asc' }], map: 'a_ix' }] },
    ],
    [
      '@@index([\n    a,\n    b\n  ])',
      {
        indexes: [
          {
            fields: [
              { name: 'a', sort: 'Asc' },
              { name: 'b', sort: 'Asc' },
            ],
          },
        ],
      },
    ],
    ['@@map("thing_table")', { dbName: 'thing_table' }],
  ])('%s', (line, expected) => {
    expect(parseModel(`  a Int\n  b Int\n  ${line}`)).toMatchObject({ schema: 'app', ...expected });
  });

  it('reads the datasource, enums with @map, @@map and @@schema', () => {
    const schema = parsePrismaSchema([
      {
        file: 'a.prisma',
        text: `generator client {\n  provider = "prisma-client"\n  output = "x"\n}\n${DATASOURCE}`,
      },
      {
        file: 'b.prisma',
        text: 'enum Status {\n  open\n  closed @map("CLOSED")\n  @@map("status")\n  @@schema("other")\n}\n',
      },
    ]);
    expect(schema).toMatchObject({
      schemas: ['app', 'other'],
      multiSchema: true,
      relationMode: 'foreignKeys',
    });
    expect(schema.enums).toEqual([
      {
        name: 'Status',
        dbName: 'status',
        schema: 'other',
        location: { file: 'b.prisma', line: 1 },
        values: [
          { name: 'open', dbName: 'open' },
          { name: 'closed', dbName: 'CLOSED' },
        ],
      },
    ]);
  });

  it('defaults to the public schema when the datasource lists none', () => {
    const schema = parsePrismaSchema([
      { file: 'a.prisma', text: 'datasource db {\n  provider = "postgresql"\n}\n' },
    ]);
    expect(schema).toMatchObject({ schemas: ['public'], multiSchema: false });
  });
});
