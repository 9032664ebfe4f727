import type { AuditInput } from '@app/jobs';
import type { PlannedChange } from './plan.util.js';
import { reasonLabel } from './sync-email.util.js';
import type { Settlement, StaleBlock } from './sync.types.js';

export const AUDIT_ENTITY = 'gitlab_user';

/** A block or unblock GitLab made: before and after states, the rule, who approved it. */
export function changeAudit(change: PlannedChange, note = ''): AuditInput {
  const after = change.action === 'block' ? 'blocked' : 'active';
  const crsid = change.crsid === null ? '' : `, CRSid ${change.crsid}`;
  return {
    action: `gitlab.user.${change.action}`,
    entityType: AUDIT_ENTITY,
    entityId: String(change.userId),
    before: { state: change.state },
    after: { state: after },
    reason: `${reasonLabel(change.reason)} (${change.username}${crsid})${note}`,
  };
}

/** A block or unblock an earlier run sent without recording GitLab's answer, found made now. */
export function settlementAudit(settlement: Settlement): AuditInput {
  const { pending } = settlement;
  const change: PlannedChange = {
    ...pending,
    state: pending.action === 'block' ? 'active' : 'blocked',
  };
  return changeAudit(change, `; ${settlement.message}`);
}

/** A block of ours that someone else undid: forgotten, so the sync never undoes a later block by hand. */
export function releaseAudit(block: StaleBlock): AuditInput {
  return {
    action: 'gitlab_sync.block.released',
    entityType: AUDIT_ENTITY,
    entityId: String(block.userId),
    before: { blockedByUs: true, reason: block.reason },
    after: { blockedByUs: false, state: block.stateNow },
    reason:
      `${block.username}: ${block.stateNow === null ? 'no longer in GitLab' : `now ${block.stateNow} in GitLab`}; ` +
      'our block was undone outside the sync, so the sync will not unblock this user',
  };
}
