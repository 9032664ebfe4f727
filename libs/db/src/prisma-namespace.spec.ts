import { describe, expect, it } from '@jest/globals';
import * as generated from './generated/internal/prismaNamespace.js';
import * as Prisma from './prisma-namespace.js';

describe('Prisma namespace of @app/db', () => {
  const values = Object.entries(Prisma);

  it('has the values code uses at run time', () => {
    expect(values.map(([name]) => name).sort()).toEqual(
      expect.arrayContaining([
        'DbNull',
        'PrismaClientInitializationError',
        'PrismaClientKnownRequestError',
        'TransactionIsolationLevel',
        'empty',
        'sql',
      ]),
    );
  });

  it.each(values)('%s is what the generated namespace has', (name, value) => {
    const theirs = (generated as Record<string, unknown>)[name];
    expect(theirs).toBeDefined();
    if (name === 'TransactionIsolationLevel')
      expect({ ...(value as object) }).toEqual({ ...(theirs as object) });
    else expect(value).toBe(theirs);
  });

  it('gives errors that instanceof recognises as the generated client throws them', () => {
    const error = new generated.PrismaClientKnownRequestError('Unique constraint failed', {
      code: 'P2002',
      clientVersion: generated.prismaVersion.client,
    });
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
  });
});
