CREATE TABLE `answers` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`round` integer NOT NULL,
	`result_class` text NOT NULL,
	`summary` text NOT NULL,
	`public` integer NOT NULL,
	`private_reason` text,
	`status` text NOT NULL,
	`submitted_by` text NOT NULL,
	`submitted_at` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`return_reason` text,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `answers_suggestion` ON `answers` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `assignments` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`role` text NOT NULL,
	`state` text NOT NULL,
	`state_before_reassign` text,
	`assigned_on` text NOT NULL,
	`round` integer DEFAULT 1 NOT NULL,
	`rehandle_from` text,
	`signed_at` text,
	`closed_at` text,
	`replaces_assignment_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assignments_suggestion` ON `assignments` (`suggestion_id`);--> statement-breakpoint
CREATE INDEX `assignments_unit_state` ON `assignments` (`unit_id`,`state`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`actor_role` text,
	`source` text NOT NULL,
	`action` text NOT NULL,
	`outcome` text NOT NULL,
	`suggestion_id` text,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`before_state` text,
	`after_state` text,
	`message` text DEFAULT '' NOT NULL,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_suggestion` ON `audit_log` (`suggestion_id`,`seq`);--> statement-breakpoint
CREATE TABLE `co_opinions` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`text` text NOT NULL,
	`submitted_by` text NOT NULL,
	`submitted_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `co_opinions_suggestion` ON `co_opinions` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `commitments` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`answer_id` text NOT NULL,
	`content` text NOT NULL,
	`due_on` text NOT NULL,
	`state` text NOT NULL,
	`confirmed_by` text,
	`confirmed_at` text,
	`evidence` text,
	`claimed_by` text,
	`claimed_at` text,
	`done_by` text,
	`done_at` text,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`answer_id`) REFERENCES `answers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `commitments_suggestion` ON `commitments` (`suggestion_id`);--> statement-breakpoint
CREATE INDEX `commitments_state_due` ON `commitments` (`state`,`due_on`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`method` text NOT NULL,
	`date` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`recorded_by` text NOT NULL,
	`recorded_at` text NOT NULL,
	`confirmed_by` text,
	`confirmed_at` text,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contacts_suggestion` ON `contacts` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `deputies` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`open_id` text NOT NULL,
	`delegation` text
);
--> statement-breakpoint
CREATE INDEX `deputies_open_id` ON `deputies` (`open_id`);--> statement-breakpoint
CREATE TABLE `evaluations` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`answer_id` text NOT NULL,
	`round` integer NOT NULL,
	`deputy_id` text NOT NULL,
	`grade` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`evaluated_by` text NOT NULL,
	`evaluated_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`answer_id`) REFERENCES `answers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evaluations_suggestion` ON `evaluations` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `progress_reports` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`text` text NOT NULL,
	`reported_by` text NOT NULL,
	`reported_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `progress_reports_suggestion` ON `progress_reports` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `reassignment_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`reason` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` text NOT NULL,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`decision_reason` text,
	`new_unit_id` text,
	`new_assignment_id` text,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reassignment_requests_suggestion` ON `reassignment_requests` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `suggestion_deputies` (
	`suggestion_id` text NOT NULL,
	`deputy_id` text NOT NULL,
	`role` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`suggestion_id`, `deputy_id`),
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deputy_id`) REFERENCES `deputies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `suggestions` (
	`id` text PRIMARY KEY NOT NULL,
	`session` text NOT NULL,
	`number` text NOT NULL,
	`kind` text NOT NULL,
	`timing` text NOT NULL,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`category` text DEFAULT '' NOT NULL,
	`key` integer DEFAULT false NOT NULL,
	`key_leader` text,
	`classified` integer DEFAULT false NOT NULL,
	`assigned_on` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suggestions_session_number` ON `suggestions` (`session`,`number`);--> statement-breakpoint
CREATE INDEX `suggestions_status` ON `suggestions` (`status`);--> statement-breakpoint
CREATE TABLE `supervisors` (
	`open_id` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `unit_members` (
	`unit_id` text NOT NULL,
	`open_id` text NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`unit_id`, `open_id`, `role`),
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `unit_members_open_id` ON `unit_members` (`open_id`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);
