import { Injectable } from '@nestjs/common';
import { Job, type JobContext, type JobHandler, type JobOutcome } from '@app/jobs';
import { z } from 'zod';
import { type BackupTaskOutcome, BackupsService } from './backups.service.js';

const backupTask = z.strictObject({
  backupId: z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be a backup id'),
});

/**
 * `POST /tasks/backup` (the app's task queue; the job role only, as every task): dumps and verifies
 * the running backup `backupId`. A backup that ends `failed` is a task that succeeded (its outcome is
 * recorded; Cloud Tasks must not try it again); a delivery of a backup already taken does nothing.
 * JOBS_FORCE_DRY_RUN (development, staging) does not apply (`forceDryRunNotApplied`: the run is
 * recorded as the real run it is, its summary saying why): a backup is an operator's action (or a
 * release's step 3), not a scheduled write, and a dry run would leave it `running` until it is lost.
 * Only a caller's explicit dry run dumps nothing.
 */
@Injectable()
@Job({
  name: 'backup',
  description: "Dump and verify a started backup of an ELLA instance's database",
  input: backupTask,
  scopeOf: (t) => `backup:${t.backupId}`,
  forceDryRunNotApplied: "a backup is an operator's action: JOBS_FORCE_DRY_RUN does not apply to it",
})
export class BackupTask implements JobHandler<BackupTaskOutcome> {
  constructor(private readonly backups: BackupsService) {}

  async run(ctx: JobContext): Promise<JobOutcome<BackupTaskOutcome>> {
    const { backupId } = backupTask.parse(ctx.input);
    if (ctx.dryRun) {
      return {
        status: 'succeeded',
        summary: {
          backupId,
          outcome: 'skipped',
          status: 'running',
          detail: `dry run: would dump backup ${backupId}`,
        },
      };
    }
    ctx.assertLockHeld();
    return { status: 'succeeded', summary: await this.backups.runTask(BigInt(backupId)) };
  }
}
