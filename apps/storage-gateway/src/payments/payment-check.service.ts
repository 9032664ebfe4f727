import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';
import { Clock } from '../domain/clock.js';
import { OrdersService } from '../orders/orders.service.js';
import type { TaskOutcome } from '../provisioning/provisioning.service.js';
import { type CheckAnswer, CufsApiClient } from './cufs-api.client.js';

/** The payment check of a voucher order: the voucher was checked and spent when the order was made. */
export interface VoucherCheck {
  valid: true;
  kind: 'voucher';
  normalised: string;
  description: string;
  problems: [];
}

/**
 * The `check-payment` task: asks cufs-api whether the order's finance code, grant code or purchase
 * order can pay for it, and moves the order to awaiting_approval or payment_rejected with cufs-api's
 * answer (its problems are what the buyer reads). When cufs-api cannot say, the order stays
 * checking_payment and the error reaches the task (503: Cloud Tasks tries again later).
 */
@Injectable()
export class PaymentCheckService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly orders: OrdersService,
    private readonly cufs: CufsApiClient,
    private readonly clock: Clock,
  ) {}

  async check(orderId: string): Promise<TaskOutcome> {
    const started = await this.orders.move(orderId, 'start_payment_check', 'system');
    if (started.order.state !== 'checking_payment') {
      return {
        outcome: 'skipped',
        detail: `order ${started.order.reference} is ${started.order.state.replace('_', ' ')}`,
      };
    }
    const order = await this.prisma.storageOrder.findUniqueOrThrow({
      where: { id: orderId },
      include: { quote: true },
    });
    let answer: CheckAnswer | VoucherCheck;
    if (order.paymentMethod === 'voucher') {
      answer = {
        valid: true,
        kind: 'voucher',
        normalised: order.paymentReference,
        description: 'voucher',
        problems: [],
      };
    } else {
      answer = await this.cufs.check({
        code: order.paymentReference,
        kind:
          order.paymentMethod === 'finance_code'
            ? 'gl'
            : order.paymentMethod === 'grant_code'
              ? 'grant'
              : 'purchase-order',
        amount: order.quote.amountPence,
        date: this.clock.today(),
      });
    }
    const moved = await this.orders.move(
      orderId,
      answer.valid ? 'payment_accepted' : 'payment_rejected',
      'system',
      undefined,
      {
        paymentCheck: answer,
        reason: answer.valid ? undefined : answer.problems.map((p) => p.message).join('; '),
      },
    );
    return moved.changed
      ? {
          outcome: 'done',
          detail: `order ${moved.order.reference} is ${moved.order.state.replace('_', ' ')}`,
        }
      : {
          outcome: 'skipped',
          detail: `order ${moved.order.reference} is ${moved.order.state.replace('_', ' ')}`,
        };
  }
}
