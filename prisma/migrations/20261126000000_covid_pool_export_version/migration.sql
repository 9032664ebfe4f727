-- covid-pool: a version number for the export, bumped in the same transaction as any change to what
-- the export contains (Colleges, pools, households, students). Instances cache the serialised export
-- per version and check this one row per request instead of reading everything.
--
-- Bumped by triggers rather than by the app, so no writer (import, College edits, a hand-run SQL fix)
-- can forget it. The bump is deferred to commit and done once per transaction: the row lock is then
-- held only while committing, after every other lock the transaction takes, so concurrent writers
-- queue briefly on it and cannot deadlock through it.
CREATE TABLE "covid_pool"."export_version" (
    "id" SMALLINT NOT NULL,
    "version" BIGINT NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "export_version_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "export_version_one_row" CHECK ("id" = 1)
);

INSERT INTO "covid_pool"."export_version" ("id", "version") VALUES (1, 1);

CREATE FUNCTION "covid_pool"."bump_export_version"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- A transaction-local flag: the first changed row of a transaction bumps, the others return at once.
  IF current_setting('covid_pool.export_version_bumped', true) IS DISTINCT FROM 'on' THEN
    UPDATE "covid_pool"."export_version"
       SET "version" = "version" + 1, "changed_at" = CURRENT_TIMESTAMP
     WHERE "id" = 1;
    PERFORM set_config('covid_pool.export_version_bumped', 'on', true);
  END IF;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER "college_bumps_export_version"
  AFTER INSERT OR UPDATE OR DELETE ON "covid_pool"."college"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "covid_pool"."bump_export_version"();
CREATE CONSTRAINT TRIGGER "pool_bumps_export_version"
  AFTER INSERT OR UPDATE OR DELETE ON "covid_pool"."pool"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "covid_pool"."bump_export_version"();
CREATE CONSTRAINT TRIGGER "household_bumps_export_version"
  AFTER INSERT OR UPDATE OR DELETE ON "covid_pool"."household"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "covid_pool"."bump_export_version"();
CREATE CONSTRAINT TRIGGER "student_bumps_export_version"
  AFTER INSERT OR UPDATE OR DELETE ON "covid_pool"."student"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "covid_pool"."bump_export_version"();

-- TRUNCATE fires no row trigger; a statement trigger (immediate) covers it.
CREATE TRIGGER "college_truncate_bumps_export_version"
  AFTER TRUNCATE ON "covid_pool"."college" FOR EACH STATEMENT EXECUTE FUNCTION "covid_pool"."bump_export_version"();
CREATE TRIGGER "pool_truncate_bumps_export_version"
  AFTER TRUNCATE ON "covid_pool"."pool" FOR EACH STATEMENT EXECUTE FUNCTION "covid_pool"."bump_export_version"();
CREATE TRIGGER "household_truncate_bumps_export_version"
  AFTER TRUNCATE ON "covid_pool"."household" FOR EACH STATEMENT EXECUTE FUNCTION "covid_pool"."bump_export_version"();
CREATE TRIGGER "student_truncate_bumps_export_version"
  AFTER TRUNCATE ON "covid_pool"."student" FOR EACH STATEMENT EXECUTE FUNCTION "covid_pool"."bump_export_version"();
