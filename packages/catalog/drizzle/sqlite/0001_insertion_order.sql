ALTER TABLE `test_runs` ADD `seq` integer;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `seq` integer;--> statement-breakpoint
-- Rows logged before this column keep their order of insertion.
UPDATE `test_runs` SET `seq` = rowid;--> statement-breakpoint
UPDATE `webhook_deliveries` SET `seq` = rowid;