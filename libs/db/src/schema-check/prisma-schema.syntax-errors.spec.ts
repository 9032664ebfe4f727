import { describe, expect, it } from '@jest/globals';
import { parsePrismaSchema } from './prisma-schema.parser.js';
import { PrismaSchemaError } from './prisma-schema.types.js';

const DATASOURCE = `datasource db {
  provider = "postgresql" // comment after a value
  schemas  = ["app", "other"]
}
`;

describe('parsePrismaSchema: syntax it does not understand', () => {
  it.each([
    ['an unknown field attribute', '  a Int @ignore', 4],
    ['an unknown block attribute', '  a Int\n  @@fulltext([a])', 5],
    ['an unknown attribute argument', '  a Int\n  @@index([a], type: Hash)', 5],
    ['an unknown default function', '  a String @default(cuid2x())', 4],
    ['an Unsupported type', '  a Unsupported("circle")', 4],
    ['a stray character', '  a Int ~', 4],
    ['a block comment', '  /* no */', 4],
    ['an unterminated string', '  a String @map("oops)', 4],
    ['an unclosed bracket', '  a Int\n  @@index([a', 5],
    ['a list made optional', '  a Int[]?', 4],
    ['an attribute given twice', '  a Int @map("x") @map("y")', 4],
  ])('throws for %s, naming file and line', (_case, body, line) => {
    const text = `model Thing {\n\n  // comment\n${body}\n}\n${DATASOURCE}`;
    const parse = () => parsePrismaSchema([{ file: 'prisma/schema/x.prisma', text }]);
    expect(parse).toThrow(PrismaSchemaError);
    expect(parse).toThrow(new RegExp(`^prisma/schema/x\\.prisma:${line}: `));
  });

  it.each([
    ['a view block', 'view V {\n  a Int\n}\n'],
    [
      'a datasource setting it does not know',
      'datasource db {\n  provider = "postgresql"\n  extensions = [citext]\n}\n',
    ],
    ['another provider', 'datasource db {\n  provider = "mysql"\n}\n'],
    ['a one-line block', 'enum E { a }\n'],
    ['a missing closing brace', 'enum E {\n  a\n'],
  ])('throws for %s', (_case, text) => {
    expect(() => parsePrismaSchema([{ file: 'x.prisma', text }])).toThrow(/^x\.prisma:\d+: /);
  });
});
