CREATE TABLE `experiments` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`yaml` text NOT NULL,
	`factors_json` text NOT NULL,
	`outputs_json` text NOT NULL,
	`confidence` real NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`cached` integer DEFAULT 0 NOT NULL,
	`error` text,
	`results_json` text,
	`created_at` text NOT NULL,
	`started_at` text,
	`finished_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `experiments_account` ON `experiments` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `experiments_status` ON `experiments` (`status`);