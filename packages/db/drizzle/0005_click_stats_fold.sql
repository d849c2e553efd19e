CREATE TABLE "click_stats_all_days" (
	"day" date PRIMARY KEY NOT NULL,
	"clicks" bigint NOT NULL,
	"humans" bigint NOT NULL,
	"bots" bigint NOT NULL,
	"visitors" bigint NOT NULL,
	"lists" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "click_stats_all_hourly" (
	"hour" timestamp PRIMARY KEY NOT NULL,
	"clicks" bigint NOT NULL,
	"humans" bigint NOT NULL,
	"bots" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "click_stats_days" (
	"url_id" integer NOT NULL,
	"day" date NOT NULL,
	"clicks" integer NOT NULL,
	"humans" integer NOT NULL,
	"bots" integer NOT NULL,
	"visitors" integer NOT NULL,
	"lists" jsonb NOT NULL,
	CONSTRAINT "click_stats_days_url_id_day_pk" PRIMARY KEY("url_id","day")
);
--> statement-breakpoint
CREATE TABLE "click_stats_pending_hourly" (
	"url_id" integer NOT NULL,
	"hour" timestamp NOT NULL,
	"clicks" integer NOT NULL,
	"humans" integer NOT NULL,
	"bots" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "click_stats_pending_lists" (
	"url_id" integer NOT NULL,
	"day" date NOT NULL,
	"counts" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "click_stats_pending_visitors" (
	"url_id" integer NOT NULL,
	"day" date NOT NULL,
	"visitor" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "click_stats_days" ADD CONSTRAINT "click_stats_days_url_id_urls_id_fk" FOREIGN KEY ("url_id") REFERENCES "public"."urls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "click_stats_days_day_idx" ON "click_stats_days" USING btree ("day");--> statement-breakpoint
-- room on each page for the new version of a counter row: increments become HOT updates (no index entries)
ALTER TABLE "click_stats_days" SET (fillfactor = 80);--> statement-breakpoint
ALTER TABLE "click_stats_all_hourly" SET (fillfactor = 80);--> statement-breakpoint
ALTER TABLE "click_stats_all_days" SET (fillfactor = 80);--> statement-breakpoint
-- the rollups kept so far (a row per list value, visitors apart) become day rows and all-links rows
INSERT INTO "click_stats_days" ("url_id", "day", "clicks", "humans", "bots", "visitors", "lists")
SELECT k.url_id, k.day, coalesce(h.clicks, 0), coalesce(h.humans, 0), coalesce(h.bots, 0), coalesce(v.visitors, 0), coalesce(l.lists, '{}'::jsonb)
FROM (
  SELECT url_id, hour::date AS day FROM "click_stats_hourly"
  UNION SELECT url_id, day FROM "click_stats_daily"
  UNION SELECT url_id, day FROM "click_stats_visitors"
) k
LEFT JOIN (
  SELECT url_id, hour::date AS day, sum(clicks)::int AS clicks, sum(humans)::int AS humans, sum(bots)::int AS bots
  FROM "click_stats_hourly" GROUP BY 1, 2
) h USING (url_id, day)
LEFT JOIN (
  SELECT url_id, day, jsonb_object_agg((ARRAY['r:', 'b:', 'o:', 'd:'])[dimension] || value, clicks) AS lists
  FROM "click_stats_daily" GROUP BY 1, 2
) l USING (url_id, day)
LEFT JOIN "click_stats_visitors" v USING (url_id, day);--> statement-breakpoint
INSERT INTO "click_stats_all_hourly" ("hour", "clicks", "humans", "bots")
SELECT hour, sum(clicks), sum(humans), sum(bots) FROM "click_stats_hourly" GROUP BY hour;--> statement-breakpoint
INSERT INTO "click_stats_all_days" ("day", "clicks", "humans", "bots", "visitors", "lists")
SELECT d.day, sum(d.clicks), sum(d.humans), sum(d.bots), sum(d.visitors), coalesce((
  SELECT jsonb_object_agg(t.key, t.n) FROM (
    SELECT e.key, sum(e.value::int) AS n FROM "click_stats_days" x, jsonb_each(x.lists) e WHERE x.day = d.day GROUP BY e.key
  ) t), '{}'::jsonb)
FROM "click_stats_days" d GROUP BY d.day;
--> statement-breakpoint
DROP TABLE "click_stats_daily" CASCADE;--> statement-breakpoint
DROP TABLE "click_stats_visitors" CASCADE;