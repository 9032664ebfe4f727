import { readFile } from 'node:fs/promises';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { z } from 'zod';
import { PrismaService } from '@app/db';
import { productCode, productInput } from '../products/product.types.js';
import { asDate, parseCalendarDate } from '../domain/calendar.util.js';

const seedSchema = z.strictObject({
  products: z.array(productInput.and(z.object({ code: productCode }))),
  vouchers: z
    .array(
      z.strictObject({
        code: z.string().min(4).max(32),
        productCode,
        sizeTb: z.number().int().min(1),
        years: z.number().int().min(1),
        note: z.string(),
        validUntil: z.string().optional(),
      }),
    )
    .default([]),
});

/**
 * Local runs (`STORAGE_SEED_FILE`): the demo products and vouchers, inserted when missing; existing
 * rows are left as they are, so prices changed by an administrator stay changed.
 */
@Injectable()
export class StorageSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('StorageSeeder');

  constructor(
    private readonly file: string,
    private readonly prisma: PrismaService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const parsed = seedSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${this.file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const { products, vouchers } = parsed.data;
    const created = await this.prisma.storageProduct.createMany({
      data: products.map((p) => ({ ...p, updatedBy: 'seed' })),
      skipDuplicates: true,
    });
    const madeVouchers = await this.prisma.storageVoucher.createMany({
      data: vouchers.map((v) => ({
        ...v,
        validUntil: v.validUntil === undefined ? null : asDate(parseCalendarDate(v.validUntil)),
        createdBy: 'seed',
      })),
      skipDuplicates: true,
    });
    this.logger.log(
      `Seeded ${created.count} product(s) and ${madeVouchers.count} voucher(s) from ${this.file}`,
    );
  }
}
