CREATE TABLE `coordinations` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`date` text NOT NULL,
	`outcome` text NOT NULL,
	`recorded_by` text NOT NULL,
	`recorded_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `coordinations_suggestion` ON `coordinations` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `personal_digests` (
	`open_id` text NOT NULL,
	`week` text NOT NULL,
	`items` integer NOT NULL,
	`sent_at` text NOT NULL,
	PRIMARY KEY(`open_id`, `week`)
);
