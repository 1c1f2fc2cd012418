CREATE TABLE `commitment_evaluations` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`commitment_id` text NOT NULL,
	`deputy_id` text NOT NULL,
	`grade` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`evaluated_by` text NOT NULL,
	`evaluated_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`commitment_id`) REFERENCES `commitments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `commitment_evaluations_suggestion` ON `commitment_evaluations` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `commitment_follow_ups` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`commitment_id` text NOT NULL,
	`text` text NOT NULL,
	`reported_by` text NOT NULL,
	`reported_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`commitment_id`) REFERENCES `commitments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `commitment_follow_ups_suggestion` ON `commitment_follow_ups` (`suggestion_id`);