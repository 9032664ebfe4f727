// The `Prisma` namespace that @app/db exports: the whole schema's types (model types, inputs,
// payloads), and the values code uses at run time: error classes, raw SQL tags, DbNull, Decimal, the
// same objects of Prisma's runtime that the generated namespace re-exports, and the transaction
// isolation levels, an enum of strings made here as the generator makes it. Not the generated
// namespace module itself: at run time it builds the enums of every model of every app (about 3 ms
// of each app's boot, for values no app reads). A value the generated namespace has and this module
// does not is a type only here: using it as a value fails the typecheck.
// prisma-namespace.spec.ts checks each value here against the generated one.
import * as runtime from '@prisma/client/runtime/client';

export type * from './generated/internal/prismaNamespace.js';

export const PrismaClientKnownRequestError = runtime.PrismaClientKnownRequestError;
export type PrismaClientKnownRequestError = runtime.PrismaClientKnownRequestError;
export const PrismaClientUnknownRequestError = runtime.PrismaClientUnknownRequestError;
export type PrismaClientUnknownRequestError = runtime.PrismaClientUnknownRequestError;
export const PrismaClientRustPanicError = runtime.PrismaClientRustPanicError;
export type PrismaClientRustPanicError = runtime.PrismaClientRustPanicError;
export const PrismaClientInitializationError = runtime.PrismaClientInitializationError;
export type PrismaClientInitializationError = runtime.PrismaClientInitializationError;
export const PrismaClientValidationError = runtime.PrismaClientValidationError;
export type PrismaClientValidationError = runtime.PrismaClientValidationError;

export const sql = runtime.sqltag;
export const empty = runtime.empty;
export const join = runtime.join;
export const raw = runtime.raw;
export const Sql = runtime.Sql;
export type Sql = runtime.Sql;

export const Decimal = runtime.Decimal;
export type Decimal = runtime.Decimal;

export const DbNull = runtime.DbNull;
export const JsonNull = runtime.JsonNull;
export const AnyNull = runtime.AnyNull;

export const TransactionIsolationLevel = runtime.makeStrictEnum({
  ReadUncommitted: 'ReadUncommitted',
  ReadCommitted: 'ReadCommitted',
  RepeatableRead: 'RepeatableRead',
  Serializable: 'Serializable',
} as const);
export type TransactionIsolationLevel =
  (typeof TransactionIsolationLevel)[keyof typeof TransactionIsolationLevel];
