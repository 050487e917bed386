CREATE TABLE "experiments" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"yaml" text NOT NULL,
	"factors_json" text NOT NULL,
	"outputs_json" text NOT NULL,
	"confidence" double precision NOT NULL,
	"done" bigint DEFAULT 0 NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"cached" bigint DEFAULT 0 NOT NULL,
	"error" text,
	"results_json" text,
	"created_at" text NOT NULL,
	"started_at" text,
	"finished_at" text
);
--> statement-breakpoint
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "experiments_account" ON "experiments" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "experiments_status" ON "experiments" USING btree ("status");