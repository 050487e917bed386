CREATE TABLE `model_bindings` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`model_id` text NOT NULL,
	`binding_json` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`model_id`) REFERENCES `machine_models`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `model_bindings_model` ON `model_bindings` (`model_id`,`created_at`);