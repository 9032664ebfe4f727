-- Platform schema shared by every app: job runs, audit events, email outbox.
CREATE SCHEMA IF NOT EXISTS "platform";

CREATE TYPE "platform"."JobRunStatus" AS ENUM ('running', 'succeeded', 'failed', 'refused');
CREATE TYPE "platform"."OutboxStatus" AS ENUM ('pending', 'sent', 'dead');

CREATE TABLE "platform"."job_run" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "app" TEXT NOT NULL,
    "job" TEXT NOT NULL,
    "scope" TEXT,
    "trigger" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL,
    "status" "platform"."JobRunStatus" NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "summary" JSONB,
    "error" TEXT,
    "approved_by" TEXT,
    "parent_id" UUID,
    CONSTRAINT "job_run_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "platform"."audit_event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "app" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "run_id" UUID,
    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "platform"."outbox_email" (
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "app" TEXT NOT NULL,
    "recipients" TEXT[],
    "subject" TEXT NOT NULL,
    "text_body" TEXT NOT NULL,
    "dedupe_key" TEXT,
    "status" "platform"."OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    CONSTRAINT "outbox_email_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "job_run_app_job_started_at_idx" ON "platform"."job_run"("app", "job", "started_at" DESC);
CREATE INDEX "job_run_app_job_scope_status_idx" ON "platform"."job_run"("app", "job", "scope", "status");
CREATE INDEX "audit_event_app_entity_type_entity_id_idx" ON "platform"."audit_event"("app", "entity_type", "entity_id");
CREATE INDEX "audit_event_run_id_idx" ON "platform"."audit_event"("run_id");
CREATE UNIQUE INDEX "outbox_email_dedupe_key_key" ON "platform"."outbox_email"("dedupe_key");
CREATE INDEX "outbox_email_status_next_attempt_at_idx" ON "platform"."outbox_email"("status", "next_attempt_at");

ALTER TABLE "platform"."job_run" ADD CONSTRAINT "job_run_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "platform"."job_run"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "platform"."audit_event" ADD CONSTRAINT "audit_event_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "platform"."job_run"("id") ON DELETE SET NULL ON UPDATE CASCADE;
