/** The three kinds of finance code a researcher can pay with. */
export const CODE_KINDS = ['gl', 'grant', 'purchase-order'] as const;
export type CodeKind = (typeof CODE_KINDS)[number];

export const GL_PARTS = [
  'entity',
  'department',
  'cost-centre',
  'source-of-funds',
  'transaction-code',
  'spare',
] as const;
export type GlPartName = (typeof GL_PARTS)[number];

export const GRANT_PARTS = ['project', 'award', 'task', 'expenditure-type'] as const;
export type GrantPartName = (typeof GRANT_PARTS)[number];

export type PartName = GlPartName | GrantPartName | 'purchase-order';

/** What is wrong, for programs; `message` says it for people. */
export type ProblemCode =
  /** The code as a whole does not have the kind's shape (wrong number of parts). */
  | 'wrong-shape'
  /** A part is not written as that part is written (length, characters). */
  | 'malformed'
  /** The cost centre does not start with, or does not belong to, the department. */
  | 'wrong-department'
  /** A category (first character) this service may not charge. */
  | 'category-not-allowed'
  | 'unknown'
  | 'disabled'
  | 'not-started'
  | 'ended'
  /** A project, award or task that is closed or on hold. */
  | 'inactive'
  | 'not-in-project'
  | 'not-chargeable'
  | 'expenditure-type-not-allowed'
  | 'not-approved'
  | 'closed'
  | 'cancelled'
  | 'wrong-supplier'
  | 'insufficient-funds';

export interface CheckPart {
  name: PartName;
  value: string;
  /** What CUFS calls it (a department's name...), when CUFS was asked and knows it. */
  description: string | null;
  ok: boolean;
}

export interface CheckProblem {
  /** The part that is wrong, or `code` for the code as a whole. */
  part: PartName | 'code';
  code: ProblemCode;
  message: string;
}

/** The answer to "can this be charged?". */
export interface CheckAnswer {
  valid: boolean;
  kind: CodeKind;
  /** The code as CUFS writes it (upper case, `.` or `/` separators, no spaces around). */
  normalised: string;
  /** What the code charges, in words, when it is valid. */
  description: string | null;
  parts: CheckPart[];
  problems: CheckProblem[];
}

/** What a check needs besides the code. */
export interface CheckContext {
  /** The charge date, `YYYY-MM-DD`. */
  date: string;
  /** Pence asked for (purchase orders). */
  amount?: number;
}

/** The service's own limits on what may be charged (from its settings). */
export interface ChargeRules {
  /** First characters of transaction codes that may be charged (`E`, `F`). */
  allowedTransactionCategories: readonly string[];
  /** First characters of sources of funds that may be charged. */
  allowedFundsCategories: readonly string[];
  /** The supplier a purchase order must be made out to. */
  purchaseOrderSupplier: string;
}

/** A part after the syntax check: its value and whether it is written correctly. */
export interface SyntaxPart<N extends PartName = PartName> {
  name: N;
  value: string;
  wellFormed: boolean;
}

/** The outcome of the local check of one code: no CUFS call made. */
export interface SyntaxResult<N extends PartName = PartName> {
  kind: CodeKind;
  normalised: string;
  /** Empty when the code does not have the kind's shape. */
  parts: SyntaxPart<N>[];
  problems: CheckProblem[];
}
