-- covid-pool: Colleges, their pools, households, students and contacts (replaced whole on import).
CREATE SCHEMA IF NOT EXISTS "covid_pool";

CREATE TABLE "covid_pool"."college" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "spreadsheet_id" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "content_hash" TEXT,
    "imported_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "college_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "covid_pool"."pool" (
    "college_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "description" TEXT,
    "collection_day" TEXT,
    "position" INTEGER NOT NULL,
    CONSTRAINT "pool_pkey" PRIMARY KEY ("college_id", "id")
);

CREATE TABLE "covid_pool"."household" (
    "college_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "pool_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    CONSTRAINT "household_pkey" PRIMARY KEY ("college_id", "id")
);

CREATE TABLE "covid_pool"."student" (
    "college_id" TEXT NOT NULL,
    "crsid" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    CONSTRAINT "student_pkey" PRIMARY KEY ("college_id", "crsid")
);

CREATE TABLE "covid_pool"."contact" (
    "college_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "position" INTEGER NOT NULL,
    CONSTRAINT "contact_pkey" PRIMARY KEY ("college_id", "email")
);

CREATE INDEX "household_college_id_pool_id_idx" ON "covid_pool"."household"("college_id", "pool_id");
CREATE INDEX "student_college_id_household_id_idx" ON "covid_pool"."student"("college_id", "household_id");

ALTER TABLE "covid_pool"."pool" ADD CONSTRAINT "pool_college_id_fkey" FOREIGN KEY ("college_id") REFERENCES "covid_pool"."college"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "covid_pool"."household" ADD CONSTRAINT "household_college_id_pool_id_fkey" FOREIGN KEY ("college_id", "pool_id") REFERENCES "covid_pool"."pool"("college_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "covid_pool"."student" ADD CONSTRAINT "student_college_id_household_id_fkey" FOREIGN KEY ("college_id", "household_id") REFERENCES "covid_pool"."household"("college_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "covid_pool"."contact" ADD CONSTRAINT "contact_college_id_fkey" FOREIGN KEY ("college_id") REFERENCES "covid_pool"."college"("id") ON DELETE CASCADE ON UPDATE CASCADE;
