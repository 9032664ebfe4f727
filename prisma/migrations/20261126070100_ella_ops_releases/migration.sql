-- ella-ops: the release runbook (a release and its nine steps), and the claim a backup task takes.

-- AlterTable
ALTER TABLE "ella_ops"."backup" ADD COLUMN "work_started_at" TIMESTAMPTZ(3);

-- CreateEnum
CREATE TYPE "ella_ops"."EllaReleaseStatus" AS ENUM ('in_progress', 'failed', 'completed', 'aborted');

-- CreateEnum
CREATE TYPE "ella_ops"."EllaReleaseStepStatus" AS ENUM ('pending', 'running', 'done', 'failed', 'skipped');

-- CreateTable
CREATE TABLE "ella_ops"."release" (
    "id" BIGSERIAL NOT NULL,
    "instance" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "notes" TEXT NOT NULL,
    "expected_alembic_head" TEXT,
    "downtime_message" TEXT NOT NULL,
    "acceptance_message" TEXT NOT NULL,
    "status" "ella_ops"."EllaReleaseStatus" NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "aborted_by" TEXT,
    "abort_reason" TEXT,

    CONSTRAINT "release_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ella_ops"."release_step" (
    "release_id" BIGINT NOT NULL,
    "number" INTEGER NOT NULL,
    "status" "ella_ops"."EllaReleaseStepStatus" NOT NULL,
    "action" TEXT,
    "actor" TEXT,
    "reason" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "output" JSONB,
    "error" TEXT,
    "backup_id" BIGINT,
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "release_step_pkey" PRIMARY KEY ("release_id","number")
);

-- CreateIndex
CREATE INDEX "release_instance_created_at_idx" ON "ella_ops"."release"("instance", "created_at" DESC);

-- CreateIndex
CREATE INDEX "release_step_backup_id_idx" ON "ella_ops"."release_step"("backup_id");

-- AddForeignKey
ALTER TABLE "ella_ops"."release_step" ADD CONSTRAINT "release_step_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "ella_ops"."release"("id") ON DELETE CASCADE ON UPDATE CASCADE;
