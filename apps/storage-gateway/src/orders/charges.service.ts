import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';
import { csvRow } from '@app/csv';

const HEADER = [
  'order',
  'approved_at',
  'state',
  'account',
  'account_name',
  'department',
  'product',
  'kind',
  'size_tb',
  'years',
  'amount_gbp',
  'payment_method',
  'payment_reference',
  'payment_description',
  'approved_by',
];

/**
 * The charges export for Finance: every approved order (approved, provisioning or completed) with
 * its payment details, oldest first, as CSV that is safe to open in a spreadsheet. One statement.
 */
@Injectable()
export class ChargesService {
  constructor(private readonly prisma: PrismaService) {}

  async csv(): Promise<string> {
    const rows = await this.prisma.storageOrder.findMany({
      where: { state: { in: ['approved', 'provisioning', 'completed'] } },
      include: { quote: true, account: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    const lines = [csvRow(HEADER)];
    for (const o of rows) {
      const check = o.paymentCheck as { description?: unknown } | null;
      lines.push(
        csvRow([
          o.reference,
          o.decidedAt?.toISOString() ?? '',
          o.state,
          o.account.reference,
          o.account.name,
          `${o.account.departmentCode} ${o.account.departmentName}`,
          o.quote.productCode,
          o.quote.kind,
          String(o.quote.sizeTb),
          o.quote.years === null ? '' : String(o.quote.years),
          (o.quote.amountPence / 100).toFixed(2),
          o.paymentMethod,
          o.paymentReference,
          typeof check?.description === 'string' ? check.description : '',
          o.decidedBy ?? '',
        ]),
      );
    }
    return lines.join('');
  }
}
