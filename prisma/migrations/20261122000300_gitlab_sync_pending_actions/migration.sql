-- AlterEnum
ALTER TYPE "gitlab_sync"."GitLabActionOutcome" ADD VALUE 'pending';

-- CreateIndex
CREATE INDEX "sync_action_outcome_idx" ON "gitlab_sync"."sync_action"("outcome");
