CREATE TABLE `co_opinion_evaluations` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`opinion_id` text NOT NULL,
	`grade` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`evaluated_by` text NOT NULL,
	`evaluated_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opinion_id`) REFERENCES `co_opinions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `co_opinion_evaluations_suggestion` ON `co_opinion_evaluations` (`suggestion_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `co_opinion_evaluations_opinion` ON `co_opinion_evaluations` (`opinion_id`);--> statement-breakpoint
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
--> statement-breakpoint
CREATE TABLE `quality_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`answer_id` text NOT NULL,
	`compliance` text NOT NULL,
	`document` text NOT NULL,
	`effect` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`reviewed_by` text NOT NULL,
	`reviewed_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`answer_id`) REFERENCES `answers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `quality_reviews_suggestion` ON `quality_reviews` (`suggestion_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `quality_reviews_answer` ON `quality_reviews` (`answer_id`);