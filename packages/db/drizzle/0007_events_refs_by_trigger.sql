ALTER TABLE "events" DROP CONSTRAINT "events_url_id_urls_id_fk";
--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_user_id_users_id_fk";
--> statement-breakpoint
-- What the two foreign keys did, once per statement (docs/decisions/2026-11-28-events-without-foreign-keys.md).
-- Every click transaction holds advisory lock 150428 shared (EVENT_REFS_LOCK, packages/db/src/event-refs-lock.ts), so
-- taking it exclusively waits for the ones in flight: the statement after it sees their events, and a click
-- transaction that starts later sees the deletion (its link and owner checks drop or unset them).
CREATE FUNCTION "events_of_deleted_urls"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(150428);
  DELETE FROM "events" e USING gone WHERE e."url_id" = gone."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "urls_delete_events" AFTER DELETE ON "urls" REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION "events_of_deleted_urls"();
--> statement-breakpoint
CREATE FUNCTION "events_of_deleted_users"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(150428);
  UPDATE "events" e SET "user_id" = NULL FROM gone WHERE e."user_id" = gone."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_delete_events" AFTER DELETE ON "users" REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION "events_of_deleted_users"();
