import type { EllaBackup } from '@app/db';

export interface BackupView {
  id: string;
  instance: string;
  object: string;
  status: EllaBackup['status'];
  sizeBytes: number | null;
  sha256: string | null;
  startedAt: string;
  finishedAt: string | null;
  verifiedAt: string | null;
  deletedAt: string | null;
  error: string | null;
  createdBy: string;
  reason: string;
}

export const toBackupView = (row: EllaBackup): BackupView => ({
  id: row.id.toString(),
  instance: row.instance,
  object: row.object,
  status: row.status,
  sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
  sha256: row.sha256,
  startedAt: row.startedAt.toISOString(),
  finishedAt: row.finishedAt?.toISOString() ?? null,
  verifiedAt: row.verifiedAt?.toISOString() ?? null,
  deletedAt: row.deletedAt?.toISOString() ?? null,
  error: row.error,
  createdBy: row.createdBy,
  reason: row.reason,
});
