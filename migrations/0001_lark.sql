CREATE TABLE `card_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`suggestion_id` text,
	`kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`message_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `card_messages_message_id_unique` ON `card_messages` (`message_id`);--> statement-breakpoint
CREATE INDEX `card_messages_subject` ON `card_messages` (`kind`,`subject_id`);--> statement-breakpoint
CREATE INDEX `card_messages_suggestion` ON `card_messages` (`suggestion_id`);--> statement-breakpoint
CREATE TABLE `group_messages` (
	`message_id` text PRIMARY KEY NOT NULL,
	`chat_id` text NOT NULL,
	`suggestion_id` text,
	`sender_open_id` text,
	`sender_type` text NOT NULL,
	`msg_type` text NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`content` text NOT NULL,
	`root_id` text,
	`parent_id` text,
	`thread_id` text,
	`sent_at` text NOT NULL,
	`received_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `group_messages_suggestion` ON `group_messages` (`suggestion_id`,`sent_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`suggestion_id` text,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`result` text,
	`created_at` text NOT NULL,
	`sent_at` text,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_id_unique` ON `outbox` (`id`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_suggestion` ON `outbox` (`suggestion_id`,`status`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`event_type` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `suggestion_chats` (
	`suggestion_id` text PRIMARY KEY NOT NULL,
	`chat_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suggestion_chats_chat_id_unique` ON `suggestion_chats` (`chat_id`);