-- The click transaction now inserts its visitor hashes into click_visitor_hashes itself and keeps only the count of
-- the new ones in its pending row. Hashes still pending are inserted here, as the fold would have inserted them, and
-- each link-day's new ones are counted in a row of that day's first hour without clicks (the fold adds no hourly row
-- for those and the answers add nothing to the series).
ALTER TABLE "click_stats_pending" RENAME COLUMN "visitors" TO "visitor_hashes";--> statement-breakpoint
ALTER TABLE "click_stats_pending" ADD COLUMN "visitors" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
WITH "ins" AS (
  INSERT INTO "click_visitor_hashes" ("url_id", "day", "visitor")
  SELECT p."url_id", p."hour"::date, v."visitor" FROM "click_stats_pending" p, unnest(p."visitor_hashes") AS v("visitor")
  ORDER BY 1, 2, 3
  ON CONFLICT DO NOTHING
  RETURNING "url_id", "day"
)
INSERT INTO "click_stats_pending" ("url_id", "hour", "clicks", "humans", "bots", "keys", "counts", "visitor_hashes", "visitors")
SELECT "url_id", "day"::timestamp, 0, 0, 0, '{}'::text[], '{}'::int[], '{}'::bigint[], count(*)::int FROM "ins" GROUP BY "url_id", "day";--> statement-breakpoint
ALTER TABLE "click_stats_pending" DROP COLUMN "visitor_hashes";--> statement-breakpoint
ALTER TABLE "click_stats_pending" ALTER COLUMN "visitors" DROP DEFAULT;
