-- storage-gateway: an order in provisioning may be cancelled only after the backend refused its latest run.

-- AlterTable
ALTER TABLE "storage"."order" ADD COLUMN "provision_run" UUID,
ADD COLUMN "provision_refusal" TEXT;
