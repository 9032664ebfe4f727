import { Inject, Injectable, Logger } from '@nestjs/common';
import { UpstreamError } from '@app/http';
import { CUFS_READER } from '../cufs/cufs.module.js';
import type { CufsReader } from '../cufs/cufs.types.js';
import { CHARGE_RULES, CLOCK } from './finance.tokens.js';
import { CufsUnavailableError } from './cufs-unavailable.error.js';
import { londonDate } from './dates.util.js';
import type {
  ChargeRules,
  CheckAnswer,
  CheckPart,
  CheckProblem,
  CodeKind,
  SyntaxResult,
} from './finance.types.js';
import { checkGlSyntax, GL_LOOKUPS, type GlLookupPart, type GlLookups, glFindings } from './gl-code.util.js';
import { checkGrantSyntax, grantFindings } from './grant-code.util.js';
import { recogniseKind } from './code-kind.util.js';
import { checkPurchaseOrderSyntax, purchaseOrderFindings } from './purchase-order.util.js';

/** Seconds a caller is asked to wait when CUFS did not answer. */
export const CUFS_RETRY_AFTER_SECONDS = 5;

export interface CheckRequest {
  code: string;
  /** Pence (purchase orders). */
  amount?: number;
  /** `YYYY-MM-DD`; default today in Europe/London. */
  date?: string;
  /** The kind, when the caller knows it; else recognised from the code's shape. */
  kind?: CodeKind;
}

/**
 * "Can this be charged?": the local syntax check first, then every well-formed part against CUFS at
 * once (one round trip of latency), through the cache. Every problem is reported in one answer. When
 * CUFS cannot say, the answer is CufsUnavailableError, never `valid: false`, unless the local check
 * already found problems: then `valid: false` with those, the parts CUFS would have checked `ok: false`
 * and a description saying CUFS could not be asked.
 */
@Injectable()
export class FinanceCheckService {
  private readonly logger = new Logger(FinanceCheckService.name);

  constructor(
    @Inject(CUFS_READER) private readonly cufs: CufsReader,
    @Inject(CHARGE_RULES) private readonly rules: ChargeRules,
    @Inject(CLOCK) private readonly now: () => number,
  ) {}

  async check(request: CheckRequest): Promise<CheckAnswer> {
    const kind = request.kind ?? recogniseKind(request.code);
    // The request schema refuses codes of no recognisable kind; this is the last guard.
    if (kind === null) throw new RangeError('not a finance code');
    const date = request.date ?? londonDate(this.now());
    switch (kind) {
      case 'gl':
        return this.checkGl(request.code, date);
      case 'grant':
        return this.checkGrant(request.code, date);
      case 'purchase-order':
        return this.checkPurchaseOrder(request.code, request.amount);
    }
  }

  async checkPurchaseOrder(number: string, amount: number | undefined): Promise<CheckAnswer> {
    const syntax = checkPurchaseOrderSyntax(number);
    const order =
      syntax.problems.length === 0
        ? await this.read(() => this.cufs.getPurchaseOrder(syntax.normalised), syntax)
        : undefined;
    if (order === NOT_ASKED)
      return notAsked(
        syntax,
        purchaseOrderFindings(syntax, undefined, this.rules.purchaseOrderSupplier, amount),
      );
    return answer(syntax, purchaseOrderFindings(syntax, order, this.rules.purchaseOrderSupplier, amount));
  }

  private async checkGl(code: string, date: string): Promise<CheckAnswer> {
    const syntax = checkGlSyntax(code, this.rules);
    const asked = syntax.parts.filter(
      (part): part is typeof part & { name: GlLookupPart } => part.wellFormed && part.name in GL_LOOKUPS,
    );
    const records = await this.read(
      () => Promise.all(asked.map((part) => this.cufs.getValue(GL_LOOKUPS[part.name], part.value))),
      syntax,
    );
    if (records === NOT_ASKED) return notAsked(syntax, glFindings(syntax, {}, date));
    const lookups: GlLookups = {};
    asked.forEach((part, index) => {
      lookups[part.name] = records[index];
    });
    return answer(syntax, glFindings(syntax, lookups, date));
  }

  private async checkGrant(code: string, date: string): Promise<CheckAnswer> {
    const syntax = checkGrantSyntax(code);
    const project = syntax.parts.find((part) => part.name === 'project');
    const record =
      project?.wellFormed === true
        ? await this.read(() => this.cufs.getProject(project.value), syntax)
        : undefined;
    if (record === NOT_ASKED) return notAsked(syntax, grantFindings(syntax, undefined, date));
    return answer(syntax, grantFindings(syntax, record, date));
  }

  /**
   * Runs CUFS reads; a failure to read is "unknown", reported as CufsUnavailableError, or NOT_ASKED
   * when the local check already found problems (the code is invalid whatever CUFS would say).
   */
  private async read<T>(reads: () => Promise<T>, syntax: SyntaxResult): Promise<T | typeof NOT_ASKED> {
    try {
      return await reads();
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      // The message names the kind of read and the status, never the code or a credential.
      this.logger.warn({ event: 'cufs_unavailable', reason: error.message, status: error.status });
      if (syntax.problems.length > 0) return NOT_ASKED;
      throw new CufsUnavailableError(CUFS_RETRY_AFTER_SECONDS, { cause: error });
    }
  }
}

/** CUFS could not be asked, but the local check found problems. */
const NOT_ASKED = Symbol('not asked');

/** The local problems only: every part CUFS would have checked is `ok: false` (not known to be right). */
function notAsked(
  syntax: SyntaxResult,
  findings: { parts: CheckPart[]; problems: CheckProblem[] },
): CheckAnswer {
  return {
    ...answer(syntax, findings),
    valid: false,
    description:
      'CUFS could not be asked, so only the local check was made: the code is invalid for the problems listed, ' +
      'and parts CUFS would have checked are not ok.',
  };
}

function answer(
  syntax: SyntaxResult,
  findings: { parts: CheckPart[]; problems: CheckProblem[] },
): CheckAnswer {
  const valid = findings.problems.length === 0;
  const descriptions = findings.parts
    .map((part) => part.description)
    .filter((text): text is string => text !== null);
  return {
    valid,
    kind: syntax.kind,
    normalised: syntax.normalised,
    description: valid && descriptions.length > 0 ? descriptions.join(' / ') : null,
    parts: findings.parts,
    problems: findings.problems,
  };
}
