ALTER TABLE "urls" ADD COLUMN "redirect_type" smallint;--> statement-breakpoint
ALTER TABLE "urls" ADD COLUMN "forward_query" boolean;--> statement-breakpoint
ALTER TABLE "urls" ADD COLUMN "expires_at" timestamp;--> statement-breakpoint
ALTER TABLE "urls" ADD COLUMN "max_clicks" integer;