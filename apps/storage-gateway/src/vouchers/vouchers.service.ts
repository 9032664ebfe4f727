import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type StorageVoucher } from '@app/db';
import { JobRunRepository } from '@app/jobs';
import { asDate, calendarDateOf, parseCalendarDate } from '../domain/calendar.util.js';
import { APP_NAME, type Person } from '../domain/person.js';
import { conflict, invalid } from '../domain/storage-errors.js';

export interface VoucherInput {
  code: string;
  productCode: string;
  sizeTb: number;
  years: number;
  note: string;
  validUntil?: string;
}

export interface VoucherView extends Omit<VoucherInput, 'validUntil'> {
  validUntil: string | null;
  createdBy: string;
  createdAt: string;
  usedByOrder: string | null;
  usedAt: string | null;
}

/** Free quotas (a School's allowance, a College's free year): made by administrators, each spent by one order. */
@Injectable()
export class VouchersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: JobRunRepository,
  ) {}

  async list(limit: number): Promise<VoucherView[]> {
    const rows = await this.prisma.storageVoucher.findMany({
      orderBy: [{ createdAt: 'desc' }, { code: 'asc' }],
      take: limit,
    });
    return rows.map(view);
  }

  async create(admin: Person, input: VoucherInput): Promise<VoucherView> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const product = await tx.storageProduct.findUnique({ where: { code: input.productCode } });
        if (product === null)
          throw invalid('The voucher cannot be made', [
            { field: 'productCode', message: `there is no product ${input.productCode}` },
          ]);
        const row = await tx.storageVoucher.create({
          data: {
            ...input,
            validUntil: input.validUntil === undefined ? null : asDate(parseCalendarDate(input.validUntil)),
            createdBy: admin.email,
          },
        });
        await this.audit.audit(
          APP_NAME,
          admin.email,
          null,
          [{ action: 'voucher.create', entityType: 'voucher', entityId: row.code, after: view(row) }],
          tx,
        );
        return view(row);
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
        throw conflict(`voucher ${input.code} exists already`);
      throw error;
    }
  }
}

function view(row: StorageVoucher): VoucherView {
  return {
    code: row.code,
    productCode: row.productCode,
    sizeTb: row.sizeTb,
    years: row.years,
    note: row.note,
    validUntil: row.validUntil === null ? null : calendarDateOf(row.validUntil),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    usedByOrder: row.usedByOrder,
    usedAt: row.usedAt?.toISOString() ?? null,
  };
}
