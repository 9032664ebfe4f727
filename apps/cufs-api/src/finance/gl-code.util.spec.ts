import { describe, expect, it } from '@jest/globals';
import type { CufsValue } from '../cufs/cufs.types.js';
import { recogniseKind } from './code-kind.util.js';
import type { ChargeRules } from './finance.types.js';
import { checkGlSyntax, glFindings, type GlLookups } from './gl-code.util.js';

const RULES: ChargeRules = {
  allowedTransactionCategories: ['E', 'F'],
  allowedFundsCategories: [...'123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
  purchaseOrderSupplier: 'University Information Services',
};
const VALID = 'U.PN.PNLI.AAAA.ELKZ.0000';

/** `part: code` of each problem, for compact tables. */
const problemsOf = (code: string, rules = RULES) =>
  checkGlSyntax(code, rules).problems.map((problem) => `${problem.part}: ${problem.code}`);

describe('GL syntax: normalisation', () => {
  it.each([
    ['already normal', VALID],
    ['lower case', 'u.pn.pnli.aaaa.elkz.0000'],
    ['surrounding spaces', '   U.PN.PNLI.AAAA.ELKZ.0000 \t'],
    ['- as separator', 'U-PN-PNLI-AAAA-ELKZ-0000'],
    ['spaces as separator', 'U PN PNLI AAAA ELKZ 0000'],
    ['mixed separators with spaces around dots', 'u. pn - pnli .aaaa elkz.0000'],
    ['doubled separators', 'U..PN--PNLI  AAAA.ELKZ.0000'],
  ])('%s: %s reads as %s', (_name, code) => {
    const result = checkGlSyntax(code, RULES);
    expect(result).toMatchObject({ kind: 'gl', normalised: VALID, problems: [] });
    expect(result.parts.map((part) => [part.name, part.value])).toEqual([
      ['entity', 'U'],
      ['department', 'PN'],
      ['cost-centre', 'PNLI'],
      ['source-of-funds', 'AAAA'],
      ['transaction-code', 'ELKZ'],
      ['spare', '0000'],
    ]);
    expect(recogniseKind(code)).toBe('gl');
  });
});

describe('GL syntax: each part wrong in turn', () => {
  it.each([
    [
      'entity',
      'X.PN.PNLI.AAAA.ELKZ.0000',
      'entity: malformed',
      'the entity must be U (the University), not X',
    ],
    [
      'department too long',
      'U.PNX.PNLI.AAAA.ELKZ.0000',
      'department: malformed',
      'the department must be two letters, such as PN, not PNX',
    ],
    [
      'department with a digit',
      'U.P1.P1LI.AAAA.ELKZ.0000',
      'department: malformed',
      'the department must be two letters, such as PN, not P1',
    ],
    [
      'cost centre too short',
      'U.PN.PNL.AAAA.ELKZ.0000',
      'cost-centre: malformed',
      'the cost centre must be four letters or digits, such as PNLI, not PNL',
    ],
    [
      'cost centre of another department',
      'U.PN.CHAA.AAAA.ELKZ.0000',
      'cost-centre: wrong-department',
      'cost centre CHAA does not start with the department code PN',
    ],
    [
      'source of funds too long',
      'U.PN.PNLI.AAAAA.ELKZ.0000',
      'source-of-funds: malformed',
      'the source of funds must be four letters or digits, such as AAAA, not AAAAA',
    ],
    [
      'transaction code with a symbol',
      'U.PN.PNLI.AAAA.EL_Z.0000',
      'transaction-code: malformed',
      'the transaction code must be four letters or digits, such as ELKZ, not EL_Z',
    ],
    [
      'spare not zeros',
      'U.PN.PNLI.AAAA.ELKZ.0001',
      'spare: malformed',
      'the last part must be 0000, not 0001',
    ],
    [
      'pay transaction code',
      'U.PN.PNLI.AAAA.AAAA.0000',
      'transaction-code: category-not-allowed',
      'transaction code AAAA is pay (category A); only non-pay spending (E, F) can be charged here',
    ],
    [
      'income transaction code',
      'U.PN.PNLI.AAAA.HAAA.0000',
      'transaction-code: category-not-allowed',
      'transaction code HAAA is income (category H); only non-pay spending (E, F) can be charged here',
    ],
    [
      'balance sheet funds',
      'U.PN.PNLI.0AAA.ELKZ.0000',
      'source-of-funds: category-not-allowed',
      'source of funds 0AAA is balance sheet (category 0), which cannot be charged here',
    ],
  ])('%s: %s', (_name, code, problem, message) => {
    const result = checkGlSyntax(code, RULES);
    expect(result.problems.map((p) => `${p.part}: ${p.code}`)).toEqual([problem]);
    expect(result.problems[0]?.message).toBe(message);
    expect(recogniseKind(code)).toBe('gl');
  });

  it('marks only the malformed part as not well formed', () => {
    const result = checkGlSyntax('U.PN.PNL.AAAA.ELKZ.0000', RULES);
    expect(result.parts.filter((part) => !part.wellFormed).map((part) => part.name)).toEqual(['cost-centre']);
  });
});

describe('GL syntax: several parts wrong at once', () => {
  it('reports every problem, in the order of the parts', () => {
    expect(problemsOf('X.PN1.PNLI.0AAA.AAAA.1111')).toEqual([
      'entity: malformed',
      'department: malformed',
      'spare: malformed',
      'transaction-code: category-not-allowed',
      'source-of-funds: category-not-allowed',
    ]);
  });

  it('reports the wrong department and a wrong category together', () => {
    expect(problemsOf('U.PN.CHAA.AAAA.HAAA.0000')).toEqual([
      'cost-centre: wrong-department',
      'transaction-code: category-not-allowed',
    ]);
  });

  it.each([
    ['five parts', 'U.PN.PNLI.AAAA.ELKZ', 5],
    ['seven parts', 'U.PN.PNLI.AAAA.ELKZ.0000.0000', 7],
    ['the entity forgotten', 'PN.PNLI.AAAA.ELKZ.0000', 5],
  ])('a code with %s is the wrong shape, said once for the whole code', (_name, code, count) => {
    const result = checkGlSyntax(code, RULES);
    expect(result.parts).toEqual([]);
    expect(result.problems).toEqual([
      {
        part: 'code',
        code: 'wrong-shape',
        message: `a general ledger code has six parts, U.DD.CCCC.SSSS.TTTT.0000 (for example U.PN.PNLI.AAAA.ELKZ.0000); this one has ${count}`,
      },
    ]);
  });

  it('follows the configured categories', () => {
    const rules = { ...RULES, allowedTransactionCategories: ['A', 'E'], allowedFundsCategories: ['0'] };
    expect(problemsOf('U.PN.PNLI.0AAA.AAAA.0000', rules)).toEqual([]);
    expect(problemsOf('U.PN.PNLI.AAAA.FAAA.0000', rules)).toEqual([
      'transaction-code: category-not-allowed',
      'source-of-funds: category-not-allowed',
    ]);
  });
});

const record = (set: CufsValue['set'], value: string, extra: Partial<CufsValue> = {}): CufsValue => ({
  set,
  value,
  description: `${value} described`,
  enabled: true,
  startDate: '2000-01-01',
  endDate: null,
  parent: set === 'cost-centre' ? value.slice(0, 2) : null,
  ...extra,
});

const found = (overrides: GlLookups = {}): GlLookups => ({
  department: record('department', 'PN'),
  'cost-centre': record('cost-centre', 'PNLI'),
  'source-of-funds': record('source-of-funds', 'AAAA'),
  'transaction-code': record('transaction-code', 'ELKZ'),
  ...overrides,
});

const DATE = '2026-06-01';

describe('GL findings from CUFS', () => {
  it('passes a code whose every part exists, is enabled and is in date, with CUFS descriptions', () => {
    const { parts, problems } = glFindings(checkGlSyntax(VALID, RULES), found(), DATE);
    expect(problems).toEqual([]);
    expect(parts.every((part) => part.ok)).toBe(true);
    expect(parts.find((part) => part.name === 'department')?.description).toBe('PN described');
    expect(parts.find((part) => part.name === 'entity')?.description).toBeNull();
  });

  it.each([
    ['department', { department: null }, 'unknown', 'department PN does not exist'],
    ['cost-centre', { 'cost-centre': null }, 'unknown', 'cost centre PNLI does not exist in department PN'],
    ['source-of-funds', { 'source-of-funds': null }, 'unknown', 'source of funds AAAA does not exist'],
    ['transaction-code', { 'transaction-code': null }, 'unknown', 'transaction code ELKZ does not exist'],
    [
      'department',
      { department: record('department', 'PN', { enabled: false }) },
      'disabled',
      'department PN is disabled in CUFS and cannot be charged',
    ],
    [
      'cost-centre',
      { 'cost-centre': record('cost-centre', 'PNLI', { startDate: '2027-01-01' }) },
      'not-started',
      'cost centre PNLI cannot be charged before 2027-01-01 (the charge date is 2026-06-01)',
    ],
    [
      'transaction-code',
      { 'transaction-code': record('transaction-code', 'ELKZ', { endDate: '2026-05-31' }) },
      'ended',
      'transaction code ELKZ could be charged only until 2026-05-31 (the charge date is 2026-06-01)',
    ],
    [
      'cost-centre',
      { 'cost-centre': record('cost-centre', 'PNLI', { parent: 'CH' }) },
      'wrong-department',
      'cost centre PNLI belongs to department CH, not PN',
    ],
  ])('%s: %j gives %s', (part, lookups, code, message) => {
    const { parts, problems } = glFindings(checkGlSyntax(VALID, RULES), found(lookups), DATE);
    expect(problems).toEqual([{ part, code, message }]);
    expect(parts.filter((p) => !p.ok).map((p) => p.name)).toEqual([part]);
  });

  it('takes the first and last days of a date range as inside it', () => {
    const lookups = found({
      department: record('department', 'PN', { startDate: DATE, endDate: DATE }),
    });
    expect(glFindings(checkGlSyntax(VALID, RULES), lookups, DATE).problems).toEqual([]);
  });

  it('keeps the syntax problems and adds every CUFS problem', () => {
    const syntax = checkGlSyntax('U.PN.PNLI.AAAA.ELKZ.0001', RULES);
    const { problems } = glFindings(
      syntax,
      found({ department: null, 'transaction-code': record('transaction-code', 'ELKZ', { enabled: false }) }),
      DATE,
    );
    expect(problems.map((p) => `${p.part}: ${p.code}`)).toEqual([
      'department: unknown',
      'transaction-code: disabled',
      'spare: malformed',
    ]);
  });
});
