import { describe, expect, it } from '@jest/globals';
import { classifyDefault, defaultsMatch, normalizeType, type ColumnDefault } from './schema-shape.js';

describe('classifyDefault (as pg_get_expr prints defaults)', () => {
  it.each<[string | null, ColumnDefault]>([
    [null, { kind: 'none' }],
    ["nextval('platform.audit_event_id_seq'::regclass)", { kind: 'sequence' }],
    ['CURRENT_TIMESTAMP', { kind: 'now' }],
    ['now()', { kind: 'now' }],
    ['gen_random_uuid()', { kind: 'sql', sql: 'gen_random_uuid()' }],
    ['\'pending\'::platform."OutboxStatus"', { kind: 'sql', sql: "'pending'" }],
    ["'it''s'::text", { kind: 'sql', sql: "'it''s'" }],
    ["'x'::character varying", { kind: 'sql', sql: "'x'" }],
    ["'{}'::jsonb", { kind: 'sql', sql: "'{}'" }],
    ["'{}'::text[]", { kind: 'sql', sql: 'ARRAY[]' }],
    ['ARRAY[]::text[]', { kind: 'sql', sql: 'ARRAY[]' }],
    ["'-1'::integer", { kind: 'sql', sql: '-1' }],
    ['(-1)', { kind: 'sql', sql: '-1' }],
    ['0', { kind: 'sql', sql: '0' }],
    ['1.50', { kind: 'sql', sql: '1.50' }],
    ['true', { kind: 'sql', sql: 'true' }],
    ["(now() +  '1 day'::interval)", { kind: 'sql', sql: "(now() + '1 day'::interval)" }],
  ])('%s', (printed, expected) => {
    expect(classifyDefault(printed)).toEqual(expected);
  });
});

describe('defaultsMatch', () => {
  it.each<[ColumnDefault, ColumnDefault, boolean]>([
    [{ kind: 'none' }, { kind: 'none' }, true],
    [{ kind: 'none' }, { kind: 'sql', sql: '0' }, false],
    [{ kind: 'sequence' }, { kind: 'identity' }, false],
    [{ kind: 'any' }, { kind: 'sql', sql: 'x()' }, true],
    [{ kind: 'any' }, { kind: 'none' }, false],
    [{ kind: 'sql', sql: '0' }, { kind: 'sql', sql: '0' }, true],
    [{ kind: 'sql', sql: '0' }, { kind: 'sql', sql: '1' }, false],
  ])('%j vs %j -> %s', (expected, actual, match) => {
    expect(defaultsMatch(expected, actual)).toBe(match);
  });
});

describe('normalizeType', () => {
  it.each([
    ['timestamp(6) with time zone', 'timestamp with time zone'],
    ['time(6) without time zone', 'time without time zone'],
    ['timestamp(3) with time zone', 'timestamp(3) with time zone'],
    ['numeric(6,2)', 'numeric(6,2)'],
  ])('%s -> %s', (type, normalized) => {
    expect(normalizeType(type)).toBe(normalized);
  });
});
