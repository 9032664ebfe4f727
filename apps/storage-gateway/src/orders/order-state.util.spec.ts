import { describe, expect, it } from '@jest/globals';
import {
  type OrderActor,
  type OrderEvent,
  ORDER_STATES,
  type OrderState,
  transitionOrder,
} from './order-state.util.js';

/** Every allowed change: [from, event, by, to]. Anything else is refused. */
const ALLOWED: [OrderState, OrderEvent, OrderActor, OrderState][] = [
  ['submitted', 'start_payment_check', 'system', 'checking_payment'],
  ['checking_payment', 'payment_accepted', 'system', 'awaiting_approval'],
  ['checking_payment', 'payment_rejected', 'system', 'payment_rejected'],
  ['awaiting_approval', 'approve', 'administrator', 'approved'],
  ['awaiting_approval', 'reject', 'administrator', 'rejected'],
  ['approved', 'start_provisioning', 'system', 'provisioning'],
  ['provisioning', 'provisioned', 'system', 'completed'],
  ['submitted', 'cancel', 'member', 'cancelled'],
  ['checking_payment', 'cancel', 'member', 'cancelled'],
  ['awaiting_approval', 'cancel', 'member', 'cancelled'],
  ['submitted', 'cancel', 'administrator', 'cancelled'],
  ['checking_payment', 'cancel', 'administrator', 'cancelled'],
  ['awaiting_approval', 'cancel', 'administrator', 'cancelled'],
  ['approved', 'cancel', 'administrator', 'cancelled'],
  ['provisioning', 'cancel', 'administrator', 'cancelled'],
];

const EVENTS: OrderEvent[] = [
  'start_payment_check',
  'payment_accepted',
  'payment_rejected',
  'approve',
  'reject',
  'start_provisioning',
  'provisioned',
  'cancel',
];
const ACTORS: OrderActor[] = ['system', 'administrator', 'member'];

describe('transitionOrder', () => {
  it.each(ALLOWED)('%s --%s by %s--> %s', (from, event, actor, to) => {
    expect(transitionOrder(from, event, actor, 'a reason', true)).toEqual({ ok: true, to });
  });

  const refused = ORDER_STATES.flatMap((from) =>
    EVENTS.flatMap((event) =>
      ACTORS.filter((actor) => !ALLOWED.some(([f, e, a]) => f === from && e === event && a === actor)).map(
        (actor) => [from, event, actor] as const,
      ),
    ),
  );

  it(`refuses the other ${refused.length} combinations, leaving the order as it is`, () => {
    for (const [from, event, actor] of refused) {
      const result = transitionOrder(from, event, actor, 'a reason', true);
      expect({ from, event, actor, ok: result.ok }).toEqual({ from, event, actor, ok: false });
    }
  });

  it('says why in words', () => {
    expect(transitionOrder('awaiting_approval', 'approve', 'member')).toEqual({
      ok: false,
      reason: 'not_allowed',
      message: 'the buyer cannot approve an order',
    });
    expect(transitionOrder('completed', 'cancel', 'administrator')).toEqual({
      ok: false,
      reason: 'wrong_state',
      message: 'an order that is completed cannot be cancelled',
    });
    expect(transitionOrder('approved', 'cancel', 'member')).toEqual({
      ok: false,
      reason: 'wrong_state',
      message: 'the order has been approved: ask an administrator to cancel it',
    });
  });

  it('cancels an order being set up only by an administrator, with a reason', () => {
    expect(transitionOrder('provisioning', 'cancel', 'member', 'changed my mind')).toEqual({
      ok: false,
      reason: 'wrong_state',
      message: 'the order is being set up: ask an administrator to cancel it',
    });
    for (const reason of [undefined, '  ']) {
      expect(transitionOrder('provisioning', 'cancel', 'administrator', reason, true)).toMatchObject({
        ok: false,
        reason: 'reason_required',
      });
    }
    // not while a provision run may still be changing the backend: only after the backend refused it
    expect(transitionOrder('provisioning', 'cancel', 'administrator', 'a reason', false)).toEqual({
      ok: false,
      reason: 'wrong_state',
      message:
        'the storage is being set up: it can be cancelled only once the storage backend has refused it',
    });
    // before provisioning, an administrator's reason stays optional
    expect(transitionOrder('approved', 'cancel', 'administrator')).toEqual({ ok: true, to: 'cancelled' });
  });

  it('needs a reason to reject', () => {
    expect(transitionOrder('awaiting_approval', 'reject', 'administrator', '  ')).toMatchObject({
      ok: false,
      reason: 'reason_required',
    });
    expect(transitionOrder('awaiting_approval', 'reject', 'administrator')).toMatchObject({
      ok: false,
      reason: 'reason_required',
    });
  });

  it('a task delivered twice finds the order moved on and changes nothing', () => {
    const first = transitionOrder('submitted', 'start_payment_check', 'system');
    expect(first).toEqual({ ok: true, to: 'checking_payment' });
    expect(transitionOrder('checking_payment', 'start_payment_check', 'system')).toMatchObject({
      ok: false,
      reason: 'wrong_state',
    });
  });
});
