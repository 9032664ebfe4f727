import { Logger } from '@nestjs/common';
import type { JobContext } from './job.types.js';
import type { OpsEmail, OpsEmailKind, RunMailer, SyncNotifier, SyncWords } from './sync.types.js';

const logger = new Logger('OpsEmails');

/**
 * The usual notifier of a sync job: its operators get an email, in the app's words, when a run is
 * refused or fails, and (when the words give one) when it changed something; at most one of each
 * kind per run (dedupe key `<app>:<job>:<run id>:<kind>`). The summary records true when the email
 * is in the outbox, false when it could not be queued (logged, never thrown).
 */
export function opsEmails<Plan, Change, Applied>(
  mailer: RunMailer,
  to: string[],
  words: SyncWords<Plan, Change, Applied>,
): SyncNotifier<Plan, Change, Applied, boolean> {
  const send = async (ctx: JobContext, kind: OpsEmailKind, email: OpsEmail): Promise<boolean> => {
    try {
      await mailer.sendEmail({
        to,
        subject: email.subject,
        text: email.text,
        dedupeKey: `${ctx.app}:${ctx.job}:${ctx.runId}:${kind}`,
      });
      return true;
    } catch (error) {
      logger.error({
        event: 'ops_email_not_queued',
        job: ctx.job,
        runId: ctx.runId,
        kind,
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  };
  return {
    refused: (ctx, run, reason) => send(ctx, 'refused', words.refused(run, reason)),
    failed: (ctx, error, applied) => send(ctx, 'failed', words.failed(ctx.runId, error, applied)),
    changed: async (ctx, run, applied) => {
      const email = words.changed?.(run, applied) ?? null;
      return email === null ? undefined : send(ctx, 'changed', email);
    },
  };
}
