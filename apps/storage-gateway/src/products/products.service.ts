import { Injectable } from '@nestjs/common';
import { PrismaService, type StorageProduct } from '@app/db';
import { JobRunRepository } from '@app/jobs';
import { APP_NAME, type Person } from '../domain/person.js';
import { notFound } from '../domain/storage-errors.js';
import type { Product, ProductInput, ProductTerms } from './product.types.js';

/** Products and prices: everyone signed in reads those on sale; administrators read and write all. */
@Injectable()
export class ProductsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: JobRunRepository,
  ) {}

  async list(person: Person): Promise<Product[]> {
    const rows = await this.prisma.storageProduct.findMany({
      where: person.admin ? {} : { active: true },
      orderBy: { code: 'asc' },
    });
    return rows.map(toProduct);
  }

  async get(person: Person, code: string): Promise<Product> {
    const row = await this.prisma.storageProduct.findUnique({ where: { code } });
    if (row === null || (!row.active && !person.admin)) throw notFound('product');
    return toProduct(row);
  }

  /** The product's terms for pricing, or null when there is no such product. */
  async terms(code: string): Promise<ProductTerms | null> {
    const row = await this.prisma.storageProduct.findUnique({ where: { code } });
    return row === null ? null : toProduct(row);
  }

  /** Creates or changes a product; quotes already made keep the price they were made with. */
  async put(admin: Person, code: string, input: ProductInput): Promise<Product> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.storageProduct.findUnique({ where: { code } });
      const row = await tx.storageProduct.upsert({
        where: { code },
        create: { code, ...input, updatedBy: admin.email },
        update: { ...input, updatedBy: admin.email },
      });
      await this.audit.audit(
        APP_NAME,
        admin.email,
        null,
        [
          {
            action: before === null ? 'product.create' : 'product.update',
            entityType: 'product',
            entityId: code,
            before: before === null ? undefined : toProduct(before),
            after: toProduct(row),
          },
        ],
        tx,
      );
      return toProduct(row);
    });
  }
}

export function toProduct(row: StorageProduct): Product {
  return {
    code: row.code,
    name: row.name,
    description: row.description,
    pricePerTbYear: row.pricePerTbYear,
    minTb: row.minTb,
    maxTb: row.maxTb,
    stepTb: row.stepTb,
    termsYears: row.termsYears,
    active: row.active,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}
