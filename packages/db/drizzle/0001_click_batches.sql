CREATE TABLE "click_batches" (
	"batch_id" varchar(120) PRIMARY KEY NOT NULL,
	"inserted_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "click_batches_inserted_idx" ON "click_batches" USING btree ("inserted_at");