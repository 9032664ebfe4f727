import type { NativeType } from './prisma-schema.types.js';

/** Prisma's PostgreSQL column types, spelled as `format_type` prints them. */

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Bytes: 'bytea',
};

type NativeMapper = (args: number[]) => string | null;
const fixed =
  (type: string): NativeMapper =>
  (args) =>
    args.length === 0 ? type : null;
const sized =
  (type: string, suffix = '', fallback?: number): NativeMapper =>
  (args) => {
    const size = args.length === 0 ? fallback : args.length === 1 ? args[0] : undefined;
    if (args.length > 1) return null;
    return size === undefined ? `${type}${suffix}` : `${type}(${size})${suffix}`;
  };

const NATIVE_TYPES: Record<string, NativeMapper> = {
  Text: fixed('text'),
  VarChar: sized('character varying'),
  Char: sized('character', '', 1),
  Uuid: fixed('uuid'),
  Xml: fixed('xml'),
  Inet: fixed('inet'),
  Citext: fixed('citext'),
  Bit: sized('bit', '', 1),
  VarBit: sized('bit varying'),
  Integer: fixed('integer'),
  SmallInt: fixed('smallint'),
  Oid: fixed('oid'),
  BigInt: fixed('bigint'),
  Boolean: fixed('boolean'),
  DoublePrecision: fixed('double precision'),
  Real: fixed('real'),
  Money: fixed('money'),
  Decimal: (args) =>
    args.length === 2 ? `numeric(${args[0]},${args[1]})` : args.length === 0 ? 'numeric' : null,
  Timestamp: sized('timestamp', ' without time zone'),
  Timestamptz: sized('timestamp', ' with time zone'),
  Time: sized('time', ' without time zone'),
  Timetz: sized('time', ' with time zone'),
  Date: fixed('date'),
  Json: fixed('json'),
  JsonB: fixed('jsonb'),
  ByteA: fixed('bytea'),
};

/** The column type of a scalar field without `@db.*`, or undefined for a type Prisma has not. */
export function scalarColumnType(prismaType: string): string | undefined {
  return SCALAR_TYPES[prismaType];
}

/** The column type of `@db.<name>(args)`, or undefined when unknown or given the wrong arguments. */
export function nativeColumnType(native: NativeType): string | undefined {
  return NATIVE_TYPES[native.name]?.(native.args) ?? undefined;
}
