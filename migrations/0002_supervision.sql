CREATE TABLE `app_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `open_deadlines` (
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`from_on` text NOT NULL,
	`due_on` text NOT NULL,
	`explanation` text NOT NULL,
	PRIMARY KEY(`subject_id`, `kind`),
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `open_deadlines_due` ON `open_deadlines` (`due_on`);--> statement-breakpoint
CREATE INDEX `open_deadlines_kind_due` ON `open_deadlines` (`kind`,`due_on`);--> statement-breakpoint
CREATE INDEX `open_deadlines_suggestion` ON `open_deadlines` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `reminders_sent` (
	`key` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`subject_id` text NOT NULL,
	`kind` text NOT NULL,
	`due_on` text NOT NULL,
	`level` text NOT NULL,
	`day` text NOT NULL,
	`sent_at` text NOT NULL
);
--> statement-breakpoint
DROP INDEX `card_messages_suggestion`;--> statement-breakpoint
ALTER TABLE `assignments` ADD `answer_due_extended_to` text;--> statement-breakpoint
ALTER TABLE `suggestions` ADD `board_light` text;