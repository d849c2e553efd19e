CREATE TABLE "click_stats_daily" (
	"url_id" integer NOT NULL,
	"day" date NOT NULL,
	"dimension" smallint NOT NULL,
	"value" varchar(255) NOT NULL,
	"clicks" integer NOT NULL,
	CONSTRAINT "click_stats_daily_url_id_day_dimension_value_pk" PRIMARY KEY("url_id","day","dimension","value")
);
--> statement-breakpoint
CREATE TABLE "click_stats_hourly" (
	"url_id" integer NOT NULL,
	"hour" timestamp NOT NULL,
	"clicks" integer NOT NULL,
	"humans" integer NOT NULL,
	"bots" integer NOT NULL,
	CONSTRAINT "click_stats_hourly_url_id_hour_pk" PRIMARY KEY("url_id","hour")
);
--> statement-breakpoint
CREATE TABLE "click_stats_visitors" (
	"url_id" integer NOT NULL,
	"day" date NOT NULL,
	"visitors" integer NOT NULL,
	CONSTRAINT "click_stats_visitors_url_id_day_pk" PRIMARY KEY("url_id","day")
);
--> statement-breakpoint
CREATE TABLE "click_visitor_hashes" (
	"url_id" integer NOT NULL,
	"day" date NOT NULL,
	"visitor" bigint NOT NULL,
	CONSTRAINT "click_visitor_hashes_url_id_day_visitor_pk" PRIMARY KEY("url_id","day","visitor")
);
--> statement-breakpoint
CREATE TABLE "click_visitor_salts" (
	"day" date PRIMARY KEY NOT NULL,
	"salt" "bytea" NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "click_retention_state" (
	"id" smallint PRIMARY KEY NOT NULL,
	"anonymized_until" timestamp
);
--> statement-breakpoint
ALTER TABLE "click_stats_daily" ADD CONSTRAINT "click_stats_daily_url_id_urls_id_fk" FOREIGN KEY ("url_id") REFERENCES "public"."urls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "click_stats_hourly" ADD CONSTRAINT "click_stats_hourly_url_id_urls_id_fk" FOREIGN KEY ("url_id") REFERENCES "public"."urls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "click_stats_visitors" ADD CONSTRAINT "click_stats_visitors_url_id_urls_id_fk" FOREIGN KEY ("url_id") REFERENCES "public"."urls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "click_stats_daily_day_idx" ON "click_stats_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "click_stats_hourly_hour_idx" ON "click_stats_hourly" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "click_stats_visitors_day_idx" ON "click_stats_visitors" USING btree ("day");--> statement-breakpoint
CREATE INDEX "events_timestamp_brin" ON "events" USING brin ("timestamp");--> statement-breakpoint
-- room on each page for the new version of a counter row: increments become HOT updates (no index entries)
ALTER TABLE "click_stats_hourly" SET (fillfactor = 80);--> statement-breakpoint
ALTER TABLE "click_stats_daily" SET (fillfactor = 80);--> statement-breakpoint
ALTER TABLE "click_stats_visitors" SET (fillfactor = 80);
