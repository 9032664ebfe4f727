-- ella-ops: broadcast end times (ELLA's broadcast table has none).
-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "ella_ops";

-- CreateTable
CREATE TABLE "ella_ops"."broadcast_end" (
    "instance" TEXT NOT NULL,
    "broadcast_id" INTEGER NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deactivated_at" TIMESTAMPTZ(3),

    CONSTRAINT "broadcast_end_pkey" PRIMARY KEY ("instance","broadcast_id")
);

-- CreateIndex
CREATE INDEX "broadcast_end_ends_at_idx" ON "ella_ops"."broadcast_end"("ends_at");

-- CreateEnum
CREATE TYPE "ella_ops"."EllaBackupStatus" AS ENUM ('running', 'verified', 'failed', 'deleted');

-- CreateTable
CREATE TABLE "ella_ops"."backup" (
    "id" BIGSERIAL NOT NULL,
    "instance" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "status" "ella_ops"."EllaBackupStatus" NOT NULL,
    "size_bytes" BIGINT,
    "sha256" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "verified_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "error" TEXT,
    "created_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "backup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "backup_instance_started_at_idx" ON "ella_ops"."backup"("instance", "started_at" DESC);

-- CreateTable
CREATE TABLE "ella_ops"."alert" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "instance" TEXT NOT NULL,
    "check" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "last_sent_at" TIMESTAMPTZ(3) NOT NULL,
    "reminders" INTEGER NOT NULL DEFAULT 0,
    "cleared_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_key_cleared_at_idx" ON "ella_ops"."alert"("key", "cleared_at");
