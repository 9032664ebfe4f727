-- AlterTable
ALTER TABLE "platform"."job_run" ADD COLUMN "read_size" INTEGER;

-- The GitLab sync's read floor read its yardstick from the summary JSON; it is a column now.
UPDATE "platform"."job_run"
   SET "read_size" = ("summary" -> 'counts' ->> 'usersRead')::INTEGER
 WHERE "app" = 'lookup-gitlab-sync' AND "job" = 'sync'
   AND jsonb_typeof("summary" -> 'counts' -> 'usersRead') = 'number';

-- CreateTable
CREATE TABLE "platform"."planned_change" (
    "run_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "change_key" TEXT NOT NULL,
    "change" JSONB NOT NULL,

    CONSTRAINT "planned_change_pkey" PRIMARY KEY ("run_id","position")
);

-- CreateIndex
CREATE UNIQUE INDEX "planned_change_run_id_change_key_key" ON "platform"."planned_change"("run_id", "change_key");

-- AddForeignKey
ALTER TABLE "platform"."planned_change" ADD CONSTRAINT "planned_change_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "platform"."job_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One place for planned changes. The plans of refused sync runs move across first (still approvable
-- for up to SYNC_APPROVAL_MAX_AGE_HOURS), keyed as the sync keys its changes (`<userId>:<action>`).
INSERT INTO "platform"."planned_change" ("run_id", "position", "change_key", "change")
SELECT p."run_id",
       (row_number() OVER (PARTITION BY p."run_id" ORDER BY p."user_id", p."action")) - 1,
       p."user_id"::text || ':' || p."action"::text,
       jsonb_build_object('userId', p."user_id", 'action', p."action"::text, 'reason', p."reason"::text,
                          'username', p."username", 'crsid', p."crsid")
  FROM "gitlab_sync"."planned_change" p
 WHERE p."run_id" IN (SELECT "id" FROM "platform"."job_run");

-- The GitLab sync's own table goes.
DROP TABLE "gitlab_sync"."planned_change";
