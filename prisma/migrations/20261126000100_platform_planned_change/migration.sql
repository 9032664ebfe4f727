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

-- One place for planned changes: the GitLab sync's own table goes (a refused plan is only approvable for a day).
DROP TABLE "gitlab_sync"."planned_change";
