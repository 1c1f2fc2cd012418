CREATE TABLE `extension_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`until` text NOT NULL,
	`reason` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` text NOT NULL,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`granted_until` text,
	`decision_reason` text,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `extension_requests_suggestion` ON `extension_requests` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `nudges` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`deputy_id` text NOT NULL,
	`day` text NOT NULL,
	`nudged_by` text NOT NULL,
	`nudged_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `nudges_suggestion` ON `nudges` (`suggestion_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `nudges_once_a_day` ON `nudges` (`suggestion_id`,`deputy_id`,`day`,`assignment_id`);--> statement-breakpoint
ALTER TABLE `answers` ADD `reviewed_by` text;--> statement-breakpoint
ALTER TABLE `answers` ADD `reviewed_at` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `disputed_by` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `disputed_at` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `dispute_reason` text;