ALTER TABLE "test_runs" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "seq" bigint;--> statement-breakpoint
-- Rows logged before this column are numbered in their order of creation.
UPDATE "test_runs" SET "seq" = "numbered"."n" FROM (SELECT "id", row_number() OVER (ORDER BY "created_at", "id") AS "n" FROM "test_runs") AS "numbered" WHERE "test_runs"."id" = "numbered"."id";--> statement-breakpoint
UPDATE "webhook_deliveries" SET "seq" = "numbered"."n" FROM (SELECT "id", row_number() OVER (ORDER BY "created_at", "id") AS "n" FROM "webhook_deliveries") AS "numbered" WHERE "webhook_deliveries"."id" = "numbered"."id";