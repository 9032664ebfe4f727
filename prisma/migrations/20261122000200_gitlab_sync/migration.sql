-- lookup-gitlab-sync: users the sync blocked, the history of its blocks and unblocks, and the
-- plans of refused runs (for approval).
-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "gitlab_sync";

-- CreateEnum
CREATE TYPE "gitlab_sync"."GitLabAction" AS ENUM ('block', 'unblock');

-- CreateEnum
CREATE TYPE "gitlab_sync"."GitLabChangeReason" AS ENUM ('cancelled_in_lookup', 'external_inactive', 'no_longer_cancelled');

-- CreateEnum
CREATE TYPE "gitlab_sync"."GitLabActionOutcome" AS ENUM ('applied', 'failed', 'unchanged');

-- CreateTable
CREATE TABLE "gitlab_sync"."blocked_user" (
    "user_id" INTEGER NOT NULL,
    "username" TEXT NOT NULL,
    "crsid" TEXT,
    "reason" "gitlab_sync"."GitLabChangeReason" NOT NULL,
    "blocked_at" TIMESTAMPTZ(3) NOT NULL,
    "run_id" UUID NOT NULL,

    CONSTRAINT "blocked_user_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "gitlab_sync"."sync_action" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "run_id" UUID NOT NULL,
    "user_id" INTEGER NOT NULL,
    "username" TEXT NOT NULL,
    "crsid" TEXT,
    "action" "gitlab_sync"."GitLabAction" NOT NULL,
    "reason" "gitlab_sync"."GitLabChangeReason" NOT NULL,
    "outcome" "gitlab_sync"."GitLabActionOutcome" NOT NULL,
    "status" INTEGER,
    "message" TEXT,

    CONSTRAINT "sync_action_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gitlab_sync"."planned_change" (
    "run_id" UUID NOT NULL,
    "user_id" INTEGER NOT NULL,
    "action" "gitlab_sync"."GitLabAction" NOT NULL,
    "reason" "gitlab_sync"."GitLabChangeReason" NOT NULL,
    "username" TEXT NOT NULL,
    "crsid" TEXT,

    CONSTRAINT "planned_change_pkey" PRIMARY KEY ("run_id","user_id")
);

-- CreateIndex
CREATE INDEX "sync_action_run_id_idx" ON "gitlab_sync"."sync_action"("run_id");

-- CreateIndex
CREATE INDEX "sync_action_user_id_idx" ON "gitlab_sync"."sync_action"("user_id");
