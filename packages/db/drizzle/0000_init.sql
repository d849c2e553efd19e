CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" varchar(100) NOT NULL,
	"email" varchar(255) NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "urls" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer,
	"short_code" varchar(10) NOT NULL,
	"original_url" varchar(2048) NOT NULL,
	"title" varchar(255),
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"updated_at" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "urls_short_code_unique" UNIQUE("short_code")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" serial PRIMARY KEY NOT NULL,
	"url_id" integer NOT NULL,
	"user_id" integer,
	"event_type" varchar(50) NOT NULL,
	"referrer" varchar(2048),
	"timestamp" timestamp DEFAULT now() NOT NULL,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "health_checks" (
	"id" serial PRIMARY KEY NOT NULL,
	"url_id" integer NOT NULL,
	"checked_at" timestamp DEFAULT now() NOT NULL,
	"status_code" integer,
	"latency_ms" integer,
	"health_status" varchar(20) NOT NULL,
	"redirect_chain_length" integer DEFAULT 0 NOT NULL,
	"error" varchar(255)
);
--> statement-breakpoint
CREATE TABLE "risk_scores" (
	"id" serial PRIMARY KEY NOT NULL,
	"url_id" integer NOT NULL,
	"score" integer DEFAULT 0 NOT NULL,
	"tier" varchar(20) NOT NULL,
	"signals" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"computed_at" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "risk_scores_url_id_unique" UNIQUE("url_id")
);
--> statement-breakpoint
CREATE TABLE "request_fingerprints" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"short_code" varchar(64),
	"client_ip" varchar(64),
	"user_agent" varchar(512),
	"status_code" integer NOT NULL,
	"is_invalid_short_code" boolean DEFAULT false NOT NULL,
	"is_ghost_probe" boolean DEFAULT false NOT NULL,
	"is_quarantined" boolean DEFAULT false NOT NULL,
	"is_dead_link" boolean DEFAULT false NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quarantine_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"short_code" varchar(64) NOT NULL,
	"action" varchar(20) NOT NULL,
	"actor" varchar(100) NOT NULL,
	"reason" varchar(255),
	"at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quarantined_codes" (
	"short_code" varchar(64) PRIMARY KEY NOT NULL,
	"source" varchar(10) DEFAULT 'manual' NOT NULL,
	"reason" varchar(255),
	"actor" varchar(100) NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "canary_state" (
	"canary" varchar(40) PRIMARY KEY NOT NULL,
	"success_total" integer DEFAULT 0 NOT NULL,
	"failure_total" integer DEFAULT 0 NOT NULL,
	"last_status" integer DEFAULT 0 NOT NULL,
	"last_latency_seconds" double precision DEFAULT 0 NOT NULL,
	"last_run_at" timestamp
);
--> statement-breakpoint
ALTER TABLE "urls" ADD CONSTRAINT "urls_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_url_id_urls_id_fk" FOREIGN KEY ("url_id") REFERENCES "public"."urls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_checks" ADD CONSTRAINT "health_checks_url_id_urls_id_fk" FOREIGN KEY ("url_id") REFERENCES "public"."urls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_scores" ADD CONSTRAINT "risk_scores_url_id_urls_id_fk" FOREIGN KEY ("url_id") REFERENCES "public"."urls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "urls_user_active_idx" ON "urls" USING btree ("user_id","is_active");--> statement-breakpoint
CREATE INDEX "urls_created_at_idx" ON "urls" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "events_url_ts_idx" ON "events" USING btree ("url_id","timestamp");--> statement-breakpoint
CREATE INDEX "events_user_ts_idx" ON "events" USING btree ("user_id","timestamp");--> statement-breakpoint
CREATE INDEX "events_type_url_idx" ON "events" USING btree ("event_type","url_id");--> statement-breakpoint
CREATE INDEX "health_checks_url_checked_idx" ON "health_checks" USING btree ("url_id","checked_at");--> statement-breakpoint
CREATE INDEX "health_checks_status_idx" ON "health_checks" USING btree ("health_status");--> statement-breakpoint
CREATE INDEX "risk_scores_tier_idx" ON "risk_scores" USING btree ("tier");--> statement-breakpoint
CREATE INDEX "risk_scores_score_idx" ON "risk_scores" USING btree ("score");--> statement-breakpoint
CREATE INDEX "fingerprints_ip_created_idx" ON "request_fingerprints" USING btree ("client_ip","created_at");--> statement-breakpoint
CREATE INDEX "fingerprints_code_created_idx" ON "request_fingerprints" USING btree ("short_code","created_at");--> statement-breakpoint
CREATE INDEX "fingerprints_created_idx" ON "request_fingerprints" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "quarantine_audit_code_idx" ON "quarantine_audit" USING btree ("short_code","at");