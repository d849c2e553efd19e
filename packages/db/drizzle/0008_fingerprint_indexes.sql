DROP INDEX "fingerprints_ip_created_idx";--> statement-breakpoint
DROP INDEX "fingerprints_code_created_idx";--> statement-breakpoint
CREATE INDEX "fingerprints_dead_code_created_idx" ON "request_fingerprints" USING btree ("short_code","created_at") WHERE "request_fingerprints"."is_dead_link";