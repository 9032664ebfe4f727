/**
 * An order's life: submitted → checking_payment → awaiting_approval → approved → provisioning →
 * completed, or payment_rejected (cufs-api's problems, or a voucher that does not apply), rejected
 * (an administrator's reason) or cancelled. Every change goes through `transitionOrder`, so a task
 * delivered twice or late finds the order no longer in the state it expects and changes nothing.
 */
export const ORDER_STATES = [
  'submitted',
  'checking_payment',
  'awaiting_approval',
  'approved',
  'provisioning',
  'completed',
  'payment_rejected',
  'rejected',
  'cancelled',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** Who may make a change: the app's own tasks, an administrator, or the order's people. */
export type OrderActor = 'system' | 'administrator' | 'member';

export type OrderEvent =
  | 'start_payment_check'
  | 'payment_accepted'
  | 'payment_rejected'
  | 'approve'
  | 'reject'
  | 'start_provisioning'
  | 'provisioned'
  | 'cancel';

interface Rule {
  from: readonly OrderState[];
  to: OrderState;
  by: readonly OrderActor[];
  needsReason?: boolean;
}

const RULES: Record<OrderEvent, Rule> = {
  start_payment_check: { from: ['submitted'], to: 'checking_payment', by: ['system'] },
  payment_accepted: { from: ['checking_payment'], to: 'awaiting_approval', by: ['system'] },
  payment_rejected: { from: ['checking_payment'], to: 'payment_rejected', by: ['system'] },
  approve: { from: ['awaiting_approval'], to: 'approved', by: ['administrator'] },
  reject: { from: ['awaiting_approval'], to: 'rejected', by: ['administrator'], needsReason: true },
  start_provisioning: { from: ['approved'], to: 'provisioning', by: ['system'] },
  provisioned: { from: ['provisioning'], to: 'completed', by: ['system'] },
  // Before an administrator has approved it, the buyer may withdraw an order; an administrator may
  // cancel it until it is completed: once provisioning has started only after the storage backend
  // refused the latest provision run (say a quota below what the storage holds), so never while a
  // run may still be changing the backend, and only with a reason (audited).
  cancel: {
    from: ['submitted', 'checking_payment', 'awaiting_approval', 'approved', 'provisioning'],
    to: 'cancelled',
    by: ['member', 'administrator'],
  },
};

export const TERMINAL_ORDER_STATES: readonly OrderState[] = [
  'completed',
  'payment_rejected',
  'rejected',
  'cancelled',
];

export type TransitionResult =
  | { ok: true; to: OrderState }
  | { ok: false; reason: 'not_allowed' | 'wrong_state' | 'reason_required'; message: string };

export function transitionOrder(
  from: OrderState,
  event: OrderEvent,
  actor: OrderActor,
  reason?: string,
  /** For a cancel in `provisioning`: whether the backend refused the order's latest provision run. */
  provisionRefused = false,
): TransitionResult {
  const rule = RULES[event];
  if (!rule.by.includes(actor)) {
    return {
      ok: false,
      reason: 'not_allowed',
      message: `${describeActor(actor)} cannot ${words(event)} an order`,
    };
  }
  if (event === 'cancel' && actor === 'member' && (from === 'approved' || from === 'provisioning')) {
    return {
      ok: false,
      reason: 'wrong_state',
      message: `the order ${from === 'approved' ? 'has been approved' : 'is being set up'}: ask an administrator to cancel it`,
    };
  }
  if (!rule.from.includes(from)) {
    return {
      ok: false,
      reason: 'wrong_state',
      message: `an order that is ${from.replace('_', ' ')} cannot be ${past(event)}`,
    };
  }
  if (event === 'cancel' && from === 'provisioning' && !provisionRefused) {
    return {
      ok: false,
      reason: 'wrong_state',
      message:
        'the storage is being set up: it can be cancelled only once the storage backend has refused it',
    };
  }
  const needsReason = rule.needsReason === true || (event === 'cancel' && from === 'provisioning');
  if (needsReason && (reason === undefined || reason.trim() === '')) {
    return { ok: false, reason: 'reason_required', message: 'a reason is required' };
  }
  return { ok: true, to: rule.to };
}

function describeActor(actor: OrderActor): string {
  return actor === 'system' ? 'the service' : actor === 'administrator' ? 'an administrator' : 'the buyer';
}

function words(event: OrderEvent): string {
  return event.replaceAll('_', ' ');
}

function past(event: OrderEvent): string {
  switch (event) {
    case 'approve':
      return 'approved';
    case 'reject':
      return 'rejected';
    case 'cancel':
      return 'cancelled';
    case 'start_payment_check':
      return 'checked for payment';
    case 'payment_accepted':
      return 'accepted for payment';
    case 'payment_rejected':
      return 'rejected for payment';
    case 'start_provisioning':
      return 'provisioned';
    case 'provisioned':
      return 'completed';
  }
}

/**
 * The task an order in this state waits for (`check-payment` before the payment is decided,
 * `provision` once approved), or null when it waits for a person or is over.
 */
export function pendingTask(state: OrderState): 'check-payment' | 'provision' | null {
  switch (state) {
    case 'submitted':
    case 'checking_payment':
      return 'check-payment';
    case 'approved':
    case 'provisioning':
      return 'provision';
    default:
      return null;
  }
}

/** States in which an order waits for one of the app's own tasks. */
export const WAITING_FOR_TASK: readonly OrderState[] = ORDER_STATES.filter((s) => pendingTask(s) !== null);
