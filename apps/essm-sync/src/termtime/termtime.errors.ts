import { UpstreamError } from '@app/http';
import { TermTimeErrorCode } from './termtime.types.js';

export const TERMTIME = 'TermTime';

const MEANINGS: Record<number, string> = {
  [TermTimeErrorCode.BadApiKey]: 'bad API key',
  [TermTimeErrorCode.UnrecognisedApiKey]: 'unrecognised API key',
  [TermTimeErrorCode.MandatoryParameterMissing]: 'a mandatory parameter is missing',
  [TermTimeErrorCode.DependentParameterMissing]: 'a parameter another one needs is missing',
  [TermTimeErrorCode.NoDatabase]: 'no database found',
  [TermTimeErrorCode.InternalError]: 'internal server error',
  [TermTimeErrorCode.NoObjectFound]: 'no object found',
  [TermTimeErrorCode.MultipleObjectsFound]: 'multiple objects found',
  [TermTimeErrorCode.NoApiKey]: 'no API key sent',
  [TermTimeErrorCode.WrongFormat]: 'a parameter has the wrong format',
  [TermTimeErrorCode.Unauthorized]: "the 'api' user lacks the rights for this",
  [TermTimeErrorCode.ObjectInUse]: 'object in use',
};

/** What TermTime's error code means, in words (`106` → `no object found`). */
export function termTimeCodeMeaning(code: number): string {
  return MEANINGS[code] ?? `error code ${code}`;
}

/**
 * TermTime answered with an error (`{code, message}`) or not at all. `code` is TermTime's error
 * code when its body had one; `status` the HTTP status when there was an answer; `operation` what
 * was asked (`creating room SCI-101`).
 */
export class TermTimeError extends UpstreamError {
  constructor(
    readonly operation: string,
    message: string,
    status?: number,
    readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(TERMTIME, `${operation} failed: ${message}`, status, options);
    this.name = 'TermTimeError';
  }

  /** The key is missing, malformed, unknown, or its user lacks the rights: no retry will help. */
  get isAuthFailure(): boolean {
    return (
      this.code === TermTimeErrorCode.BadApiKey ||
      this.code === TermTimeErrorCode.UnrecognisedApiKey ||
      this.code === TermTimeErrorCode.NoApiKey ||
      this.code === TermTimeErrorCode.Unauthorized
    );
  }

  /** TermTime found nothing under the code asked for (106). */
  get isNotFound(): boolean {
    return this.code === TermTimeErrorCode.NoObjectFound;
  }
}
