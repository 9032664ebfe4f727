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
