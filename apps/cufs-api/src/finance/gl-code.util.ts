import type { CufsValue, CufsValueSet } from '../cufs/cufs.types.js';
import { glSegments } from './code-kind.util.js';
import { withinDates } from './dates.util.js';
import {
  type ChargeRules,
  type CheckPart,
  type CheckProblem,
  GL_PARTS,
  type GlPartName,
  type SyntaxPart,
  type SyntaxResult,
} from './finance.types.js';

/** How each GL part is written, and its name in a sentence. */
const SHAPES: Record<GlPartName, { pattern: RegExp; words: string; rule: string }> = {
  entity: { pattern: /^U$/, words: 'the entity', rule: 'must be U (the University)' },
  department: { pattern: /^[A-Z]{2}$/, words: 'the department', rule: 'must be two letters, such as PN' },
  'cost-centre': {
    pattern: /^[A-Z0-9]{4}$/,
    words: 'the cost centre',
    rule: 'must be four letters or digits, such as PNLI',
  },
  'source-of-funds': {
    pattern: /^[A-Z0-9]{4}$/,
    words: 'the source of funds',
    rule: 'must be four letters or digits, such as AAAA',
  },
  'transaction-code': {
    pattern: /^[A-Z0-9]{4}$/,
    words: 'the transaction code',
    rule: 'must be four letters or digits, such as ELKZ',
  },
  spare: { pattern: /^0000$/, words: 'the last part', rule: 'must be 0000' },
};

/** The GL parts CUFS is asked about, with their value set. */
export const GL_LOOKUPS = {
  department: 'department',
  'cost-centre': 'cost-centre',
  'source-of-funds': 'source-of-funds',
  'transaction-code': 'transaction-code',
} as const satisfies Partial<Record<GlPartName, CufsValueSet>>;
export type GlLookupPart = keyof typeof GL_LOOKUPS;

/** A part's name in a sentence about one value: "cost centre PNLX". */
const NAMED: Record<GlLookupPart, string> = {
  department: 'department',
  'cost-centre': 'cost centre',
  'source-of-funds': 'source of funds',
  'transaction-code': 'transaction code',
};

/** Transaction code categories (first character) in words. */
export function transactionCategoryWords(category: string): string {
  if ('ABCD'.includes(category)) return 'pay';
  if ('EF'.includes(category)) return 'non-pay spending';
  if ('HKLN'.includes(category)) return 'income';
  if (category >= 'P' && category <= 'X') return 'balance sheet';
  return `category ${category}`;
}

/** Source-of-funds categories (first character) in words, where the University publishes them. */
export function fundsCategoryWords(category: string): string {
  const known: Record<string, string> = {
    '0': 'balance sheet',
    A: 'Chest',
    G: 'self-supporting',
    M: 'research grants',
  };
  return known[category] ?? `category ${category}`;
}

/**
 * The local check of a general ledger code `U.DD.CCCC.SSSS.TTTT.0000`, no CUFS call: normalised
 * (upper case; `.`, `-` or spaces as separators), six parts, each part's length and characters, the
 * cost centre starting with the department code, and the transaction and funds categories this
 * service may charge. Every problem is reported, not the first only.
 */
export function checkGlSyntax(code: string, rules: ChargeRules): SyntaxResult<GlPartName> {
  const segments = glSegments(code);
  const normalised = segments.join('.');
  if (segments.length !== GL_PARTS.length) {
    return {
      kind: 'gl',
      normalised,
      parts: [],
      problems: [
        {
          part: 'code',
          code: 'wrong-shape',
          message:
            'a general ledger code has six parts, U.DD.CCCC.SSSS.TTTT.0000 (for example ' +
            `U.PN.PNLI.AAAA.ELKZ.0000); this one has ${segments.length}`,
        },
      ],
    };
  }
  const problems: CheckProblem[] = [];
  const parts: SyntaxPart<GlPartName>[] = GL_PARTS.map((name, index) => {
    const value = segments[index] ?? '';
    const shape = SHAPES[name];
    const wellFormed = shape.pattern.test(value);
    if (!wellFormed) {
      problems.push({ part: name, code: 'malformed', message: `${shape.words} ${shape.rule}, not ${value}` });
    }
    return { name, value, wellFormed };
  });
  const value = (name: GlPartName) => parts.find((part) => part.name === name) as SyntaxPart<GlPartName>;
  const department = value('department');
  const costCentre = value('cost-centre');
  if (department.wellFormed && costCentre.wellFormed && !costCentre.value.startsWith(department.value)) {
    problems.push({
      part: 'cost-centre',
      code: 'wrong-department',
      message: `cost centre ${costCentre.value} does not start with the department code ${department.value}`,
    });
  }
  const transaction = value('transaction-code');
  const transactionCategory = transaction.value.charAt(0);
  if (transaction.wellFormed && !rules.allowedTransactionCategories.includes(transactionCategory)) {
    problems.push({
      part: 'transaction-code',
      code: 'category-not-allowed',
      message:
        `transaction code ${transaction.value} is ${transactionCategoryWords(transactionCategory)} ` +
        `(category ${transactionCategory}); only ${describeCategories(rules.allowedTransactionCategories, transactionCategoryWords)} can be charged here`,
    });
  }
  const funds = value('source-of-funds');
  const fundsCategory = funds.value.charAt(0);
  if (funds.wellFormed && !rules.allowedFundsCategories.includes(fundsCategory)) {
    problems.push({
      part: 'source-of-funds',
      code: 'category-not-allowed',
      message: `source of funds ${funds.value} is ${fundsCategoryWords(fundsCategory)} (category ${fundsCategory}), which cannot be charged here`,
    });
  }
  return { kind: 'gl', normalised, parts, problems };
}

function describeCategories(categories: readonly string[], words: (category: string) => string): string {
  const named = new Map<string, string[]>();
  for (const category of categories) {
    const word = words(category);
    named.set(word, [...(named.get(word) ?? []), category]);
  }
  return [...named.entries()].map(([word, list]) => `${word} (${list.join(', ')})`).join(' or ');
}

/** What CUFS said about each looked-up part: the record, null (unknown), or absent (not asked). */
export type GlLookups = Partial<Record<GlLookupPart, CufsValue | null>>;

/**
 * The CUFS half of a GL check, pure: each looked-up part exists, is enabled and is inside its dates
 * on `date`; the cost centre belongs to the department. Returns the parts (with CUFS's descriptions
 * and `ok`) and the problems found, added to the syntax's.
 */
export function glFindings(
  syntax: SyntaxResult<GlPartName>,
  lookups: GlLookups,
  date: string,
): { parts: CheckPart[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [...syntax.problems];
  const department = syntax.parts.find((part) => part.name === 'department');
  const parts = syntax.parts.map((part): CheckPart => {
    const lookupPart = part.name in GL_LOOKUPS ? (part.name as GlLookupPart) : undefined;
    const record = lookupPart === undefined ? undefined : lookups[lookupPart];
    if (lookupPart !== undefined && record !== undefined) {
      problems.push(...valueProblems(lookupPart, part.value, record, date, department));
    }
    return {
      name: part.name,
      value: part.value,
      description: record?.description ?? null,
      ok:
        !problems.some((problem) => problem.part === part.name) &&
        (lookupPart === undefined || record != null),
    };
  });
  return { parts, problems: sortByPart(problems) };
}

function valueProblems(
  part: GlLookupPart,
  value: string,
  record: CufsValue | null,
  date: string,
  department: SyntaxPart | undefined,
): CheckProblem[] {
  const named = `${NAMED[part]} ${value}`;
  if (record === null) {
    const where =
      part === 'cost-centre' && department?.wellFormed === true ? ` in department ${department.value}` : '';
    return [{ part, code: 'unknown', message: `${named} does not exist${where}` }];
  }
  const problems: CheckProblem[] = [];
  if (
    part === 'cost-centre' &&
    department?.wellFormed === true &&
    value.startsWith(department.value) &&
    record.parent !== null &&
    record.parent !== department.value
  ) {
    problems.push({
      part,
      code: 'wrong-department',
      message: `${named} belongs to department ${record.parent}, not ${department.value}`,
    });
  }
  if (!record.enabled) {
    problems.push({ part, code: 'disabled', message: `${named} is disabled in CUFS and cannot be charged` });
  }
  if (!withinDates(date, record.startDate, null)) {
    problems.push({
      part,
      code: 'not-started',
      message: `${named} cannot be charged before ${record.startDate ?? ''} (the charge date is ${date})`,
    });
  }
  if (!withinDates(date, null, record.endDate)) {
    problems.push({
      part,
      code: 'ended',
      message: `${named} could be charged only until ${record.endDate ?? ''} (the charge date is ${date})`,
    });
  }
  return problems;
}

function sortByPart(problems: CheckProblem[]): CheckProblem[] {
  const order = (part: string) => {
    const index = (GL_PARTS as readonly string[]).indexOf(part);
    return index === -1 ? -1 : index;
  };
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => order(a.problem.part) - order(b.problem.part) || a.index - b.index)
    .map(({ problem }) => problem);
}
