import { Injectable } from '@nestjs/common';
import { JobRunRepository } from '@app/jobs';
import type { Principal } from '@app/auth';

export const APP_NAME = 'ella-ops';

export interface EllaAuditEntry {
  action: string;
  /** `ella-instance`, `ella-program`, `ella-broadcast`. */
  entityType: string;
  /** `prod`, `prod/api`, `prod/broadcast/12`. */
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason: string;
}

/** Who acted, as the audit trail names them: the person's address, else the token's subject. */
export const actorOf = (principal: Principal): string => principal.email ?? principal.subject;

/** Every operator action, done or refused, in the platform's audit trail with its reason. */
@Injectable()
export class EllaAudit {
  constructor(private readonly runs: JobRunRepository) {}

  record(actor: string, entry: EllaAuditEntry): Promise<void> {
    return this.runs.audit(APP_NAME, actor, null, [entry]);
  }
}
