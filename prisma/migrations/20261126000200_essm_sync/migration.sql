-- essm-sync: the link table TermTime event(s) and room <-> Booker booking, the rooms Booker has had,
-- and the pre-flight conflict reports.
-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "essm";

-- CreateTable
CREATE TABLE "essm"."booking_link" (
    "reference" TEXT NOT NULL,
    "booking_id" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "room_code" TEXT NOT NULL,
    "event_ids" TEXT[],
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "run_id" UUID NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "booking_link_pkey" PRIMARY KEY ("reference")
);

-- CreateTable
CREATE TABLE "essm"."synced_room" (
    "code" TEXT NOT NULL,
    "first_run_id" UUID NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "synced_room_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "essm"."conflict_report" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "termtime_overlaps" INTEGER NOT NULL,
    "booker_overlaps" INTEGER NOT NULL,
    "new_conflicts" INTEGER NOT NULL,
    "conflicts" JSONB NOT NULL,

    CONSTRAINT "conflict_report_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "booking_link_starts_at_idx" ON "essm"."booking_link"("starts_at");

-- CreateIndex
CREATE INDEX "conflict_report_created_at_idx" ON "essm"."conflict_report"("created_at");
