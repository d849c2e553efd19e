CREATE TABLE "click_stats_pending" (
	"url_id" integer NOT NULL,
	"hour" timestamp NOT NULL,
	"clicks" integer NOT NULL,
	"humans" integer NOT NULL,
	"bots" integer NOT NULL,
	"keys" text[] NOT NULL,
	"counts" integer[] NOT NULL,
	"visitors" bigint[] NOT NULL
);
--> statement-breakpoint
-- rows still pending keep counting: hours as they were, each link-day's lists and visitors as a row of that day's
-- first hour with no clicks (the fold adds no hourly row for those and the answers add nothing to the series)
INSERT INTO "click_stats_pending" ("url_id", "hour", "clicks", "humans", "bots", "keys", "counts", "visitors")
SELECT "url_id", "hour", "clicks", "humans", "bots", '{}'::text[], '{}'::int[], '{}'::bigint[] FROM "click_stats_pending_hourly"
UNION ALL
SELECT l."url_id", l."day"::timestamp, 0, 0, 0, coalesce(e.keys, '{}'), coalesce(e.counts, '{}'), '{}'::bigint[]
FROM "click_stats_pending_lists" l,
  LATERAL (SELECT array_agg(x.key) AS keys, array_agg(x.value::int) AS counts FROM jsonb_each(l."counts") x) e
UNION ALL
SELECT "url_id", "day"::timestamp, 0, 0, 0, '{}'::text[], '{}'::int[], array_agg("visitor") FROM "click_stats_pending_visitors" GROUP BY "url_id", "day";
--> statement-breakpoint
DROP TABLE "click_stats_pending_hourly" CASCADE;--> statement-breakpoint
DROP TABLE "click_stats_pending_lists" CASCADE;--> statement-breakpoint
DROP TABLE "click_stats_pending_visitors" CASCADE;