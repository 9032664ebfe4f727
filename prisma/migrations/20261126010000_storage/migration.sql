-- storage-gateway: products, storage accounts (licences) with their managers and projects, quotes,
-- orders with their purchase order documents, and vouchers. Money in pence, sizes in TB.
-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "storage";

-- CreateEnum
CREATE TYPE "storage"."StorageAccountState" AS ENUM ('pending', 'active', 'expired', 'suspended', 'closed');

-- CreateEnum
CREATE TYPE "storage"."StorageProjectRole" AS ENUM ('manager', 'user');

-- CreateEnum
CREATE TYPE "storage"."StorageQuoteKind" AS ENUM ('new', 'increase', 'renewal');

-- CreateEnum
CREATE TYPE "storage"."StorageOrderState" AS ENUM ('submitted', 'checking_payment', 'awaiting_approval', 'approved', 'provisioning', 'completed', 'payment_rejected', 'rejected', 'cancelled');

-- CreateEnum
CREATE TYPE "storage"."StoragePaymentMethod" AS ENUM ('finance_code', 'grant_code', 'purchase_order', 'voucher');

-- References are numbered from sequences: Q-000001, O-000001, <product>-000001.
CREATE SEQUENCE "storage"."quote_number";
CREATE SEQUENCE "storage"."order_number";
CREATE SEQUENCE "storage"."account_number";

-- CreateTable
CREATE TABLE "storage"."product" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "price_per_tb_year" INTEGER NOT NULL,
    "min_tb" INTEGER NOT NULL,
    "max_tb" INTEGER NOT NULL,
    "step_tb" INTEGER NOT NULL,
    "terms_years" INTEGER[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "product_pkey" PRIMARY KEY ("code"),
    CONSTRAINT "product_price_not_negative" CHECK ("price_per_tb_year" >= 0),
    CONSTRAINT "product_sizes" CHECK ("min_tb" >= 1 AND "max_tb" >= "min_tb" AND "step_tb" >= 1)
);

-- CreateTable
CREATE TABLE "storage"."account" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "reference" TEXT NOT NULL,
    "product_code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "department_code" TEXT NOT NULL,
    "department_name" TEXT NOT NULL,
    "size_tb" INTEGER NOT NULL,
    "starts_on" DATE,
    "expires_on" DATE,
    "state" "storage"."StorageAccountState" NOT NULL DEFAULT 'pending',
    "owner_email" TEXT NOT NULL,
    "reminders_sent" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "backend_access" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "account_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "account_size_positive" CHECK ("size_tb" >= 1),
    CONSTRAINT "account_backend_access" CHECK ("backend_access" IN ('read-write', 'read-only', 'none')),
    -- Both dates or neither; a term runs forwards; only storage never set up (pending, or closed
    -- before it was) has none.
    CONSTRAINT "account_dates" CHECK (
        ("starts_on" IS NULL) = ("expires_on" IS NULL)
        AND ("starts_on" IS NULL OR "expires_on" > "starts_on")
        AND ("state" IN ('pending', 'closed') OR "starts_on" IS NOT NULL))
);

-- CreateTable
CREATE TABLE "storage"."account_manager" (
    "account_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_manager_pkey" PRIMARY KEY ("account_id","email")
);

-- CreateTable
CREATE TABLE "storage"."project" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "storage"."project_member" (
    "project_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "storage"."StorageProjectRole" NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_member_pkey" PRIMARY KEY ("project_id","email")
);

-- CreateTable
CREATE TABLE "storage"."quote" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "reference" TEXT NOT NULL,
    "kind" "storage"."StorageQuoteKind" NOT NULL,
    "product_code" TEXT NOT NULL,
    "account_id" UUID,
    "size_tb" INTEGER NOT NULL,
    "charged_tb" INTEGER NOT NULL,
    "years" INTEGER,
    "unit_price_pence" INTEGER NOT NULL,
    "amount_pence" INTEGER NOT NULL,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "explanation" TEXT NOT NULL,
    "valid_until" DATE NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quote_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "quote_amount_not_negative" CHECK ("amount_pence" >= 0),
    CONSTRAINT "quote_account_unless_new" CHECK (("kind" = 'new') = ("account_id" IS NULL))
);

-- CreateTable
CREATE TABLE "storage"."order" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "reference" TEXT NOT NULL,
    "quote_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "state" "storage"."StorageOrderState" NOT NULL DEFAULT 'submitted',
    "payment_method" "storage"."StoragePaymentMethod" NOT NULL,
    "payment_reference" TEXT NOT NULL,
    "payment_check" JSONB,
    "idempotency_key" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "decided_by" TEXT,
    "decision_reason" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "storage"."purchase_order_document" (
    "order_id" UUID NOT NULL,
    "sha256" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "object_name" TEXT NOT NULL,
    "uploaded_by" TEXT NOT NULL,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "purchase_order_document_pkey" PRIMARY KEY ("order_id","sha256")
);

-- CreateTable
CREATE TABLE "storage"."voucher" (
    "code" TEXT NOT NULL,
    "product_code" TEXT NOT NULL,
    "size_tb" INTEGER NOT NULL,
    "years" INTEGER NOT NULL,
    "note" TEXT NOT NULL,
    "valid_until" DATE,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "used_by_order" UUID,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "voucher_pkey" PRIMARY KEY ("code"),
    CONSTRAINT "voucher_used_together" CHECK (("used_by_order" IS NULL) = ("used_at" IS NULL))
);

-- CreateIndex
CREATE UNIQUE INDEX "account_reference_key" ON "storage"."account"("reference");

-- CreateIndex
CREATE INDEX "account_owner_email_idx" ON "storage"."account"("owner_email");

-- CreateIndex
CREATE INDEX "account_state_expires_on_idx" ON "storage"."account"("state", "expires_on");

-- CreateIndex
CREATE INDEX "account_manager_email_idx" ON "storage"."account_manager"("email");

-- CreateIndex
CREATE UNIQUE INDEX "project_account_id_name_key" ON "storage"."project"("account_id", "name");

-- CreateIndex
CREATE INDEX "project_member_email_idx" ON "storage"."project_member"("email");

-- CreateIndex
CREATE UNIQUE INDEX "quote_reference_key" ON "storage"."quote"("reference");

-- CreateIndex
CREATE INDEX "quote_created_by_idx" ON "storage"."quote"("created_by");

-- CreateIndex
CREATE UNIQUE INDEX "order_reference_key" ON "storage"."order"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "order_quote_id_key" ON "storage"."order"("quote_id");

-- CreateIndex
CREATE INDEX "order_state_created_at_idx" ON "storage"."order"("state", "created_at");

-- CreateIndex
CREATE INDEX "order_account_id_idx" ON "storage"."order"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "order_created_by_idempotency_key_key" ON "storage"."order"("created_by", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "voucher_used_by_order_key" ON "storage"."voucher"("used_by_order");

-- AddForeignKey
ALTER TABLE "storage"."account" ADD CONSTRAINT "account_product_code_fkey" FOREIGN KEY ("product_code") REFERENCES "storage"."product"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storage"."account_manager" ADD CONSTRAINT "account_manager_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "storage"."account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storage"."project" ADD CONSTRAINT "project_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "storage"."account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storage"."project_member" ADD CONSTRAINT "project_member_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "storage"."project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storage"."quote" ADD CONSTRAINT "quote_product_code_fkey" FOREIGN KEY ("product_code") REFERENCES "storage"."product"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storage"."quote" ADD CONSTRAINT "quote_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "storage"."account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storage"."order" ADD CONSTRAINT "order_quote_id_fkey" FOREIGN KEY ("quote_id") REFERENCES "storage"."quote"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storage"."order" ADD CONSTRAINT "order_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "storage"."account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storage"."purchase_order_document" ADD CONSTRAINT "purchase_order_document_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "storage"."order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storage"."voucher" ADD CONSTRAINT "voucher_product_code_fkey" FOREIGN KEY ("product_code") REFERENCES "storage"."product"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storage"."voucher" ADD CONSTRAINT "voucher_used_by_order_fkey" FOREIGN KEY ("used_by_order") REFERENCES "storage"."order"("id") ON DELETE SET NULL ON UPDATE CASCADE;
