import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';
import { OBJECT_STORE, type ObjectStore } from '@app/google';
import { JobRunRepository } from '@app/jobs';
import { managesAccount, roleIn } from '../accounts/membership.util.js';
import { isUuid } from '../domain/ids.util.js';
import { APP_NAME, type Person } from '../domain/person.js';
import { conflict, invalid, notFound } from '../domain/storage-errors.js';
import { StorageSettings } from '../domain/storage-settings.js';
import { pdfProblem } from './pdf.util.js';

export interface PurchaseOrderDocumentView {
  sha256: string;
  bytes: number;
  uploadedBy: string;
  uploadedAt: string;
}

/** States in which a buyer may still add the purchase order document. */
const OPEN_STATES = new Set(['submitted', 'checking_payment', 'awaiting_approval']);

/**
 * Purchase order PDFs, kept in the bucket as `purchase-orders/<order>/<sha256>.pdf` (never public),
 * checked by content and size before anything is stored. The order's people and administrators
 * read them through the app.
 */
@Injectable()
export class PurchaseOrderDocuments {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly audit: JobRunRepository,
    private readonly settings: StorageSettings,
  ) {}

  async upload(person: Person, orderId: string, content: Buffer): Promise<PurchaseOrderDocumentView> {
    const order = await this.order(person, orderId);
    if (order.paymentMethod !== 'purchase_order') throw conflict('the order is not paid by purchase order');
    if (!OPEN_STATES.has(order.state))
      throw conflict(`the order is ${order.state.replace('_', ' ')}: documents can no longer be added`);
    if (content.length > this.settings.poMaxBytes) {
      throw invalid('The document is too large', [
        {
          field: 'file',
          message: `must be at most ${megabytes(this.settings.poMaxBytes)} (this one is ${megabytes(content.length)})`,
        },
      ]);
    }
    const problem = pdfProblem(content);
    if (problem !== null) throw invalid('The document is not a PDF', [{ field: 'file', message: problem }]);
    const sha256 = createHash('sha256').update(content).digest('hex');
    await this.store.put(objectName(orderId, sha256), content, {
      contentType: 'application/pdf',
      metadata: { order: order.reference, uploadedBy: person.email },
    });
    const row = await this.prisma.$transaction(async (tx) => {
      const created = await tx.storagePurchaseOrderDocument.createManyAndReturn({
        data: [
          {
            orderId,
            sha256,
            bytes: content.length,
            objectName: objectName(orderId, sha256),
            uploadedBy: person.email,
          },
        ],
        skipDuplicates: true,
      });
      if (created.length > 0) {
        await this.audit.audit(
          APP_NAME,
          person.email,
          null,
          [
            {
              action: 'order.document.add',
              entityType: 'order',
              entityId: orderId,
              after: { sha256, bytes: content.length },
            },
          ],
          tx,
        );
      }
      return tx.storagePurchaseOrderDocument.findUniqueOrThrow({
        where: { orderId_sha256: { orderId, sha256 } },
      });
    });
    return view(row);
  }

  async list(person: Person, orderId: string): Promise<PurchaseOrderDocumentView[]> {
    await this.order(person, orderId);
    const rows = await this.prisma.storagePurchaseOrderDocument.findMany({
      where: { orderId },
      orderBy: { uploadedAt: 'asc' },
    });
    return rows.map(view);
  }

  async read(person: Person, orderId: string, sha256: string): Promise<{ content: Readable; bytes: number }> {
    await this.order(person, orderId);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw notFound('order');
    const row = await this.prisma.storagePurchaseOrderDocument.findUnique({
      where: { orderId_sha256: { orderId, sha256 } },
    });
    if (row === null) throw notFound('order');
    const { content } = await this.store.get(row.objectName);
    return { content, bytes: row.bytes };
  }

  private async order(person: Person, orderId: string) {
    if (!isUuid(orderId)) throw notFound('order');
    const order = await this.prisma.storageOrder.findUnique({
      where: { id: orderId },
      include: { account: { select: { ownerEmail: true, managers: { select: { email: true } } } } },
    });
    if (order === null) throw notFound('order');
    const mine =
      person.admin ||
      order.createdBy === person.email ||
      managesAccount(roleIn({ ...order.account, projects: [] }, person.email));
    if (!mine) throw notFound('order');
    return order;
  }
}

function objectName(orderId: string, sha256: string): string {
  return `purchase-orders/${orderId}/${sha256}.pdf`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function view(row: {
  sha256: string;
  bytes: number;
  uploadedBy: string;
  uploadedAt: Date;
}): PurchaseOrderDocumentView {
  return {
    sha256: row.sha256,
    bytes: row.bytes,
    uploadedBy: row.uploadedBy,
    uploadedAt: row.uploadedAt.toISOString(),
  };
}
