import { ConflictException } from '@nestjs/common';

/** 409 with the id of the run that holds the lock, so the caller can follow it. */
export class JobAlreadyRunningException extends ConflictException {
  constructor(job: string, scope: string | null, runningRunId: string | null) {
    super({
      statusCode: 409,
      error: 'Conflict',
      message: `${job}${scope ? ` for ${scope}` : ''} is already running${runningRunId ? ` (run ${runningRunId})` : ''}`,
      runningRunId,
    });
  }
}
