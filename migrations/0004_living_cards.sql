ALTER TABLE `card_messages` ADD `sent_at` text;--> statement-breakpoint
ALTER TABLE `card_messages` ADD `superseded_by` text;--> statement-breakpoint
ALTER TABLE `card_messages` ADD `retired_at` text;--> statement-breakpoint
CREATE INDEX `card_messages_live` ON `card_messages` (`sent_at`) WHERE retired_at is null and kind not in ('reminder', 'digest');--> statement-breakpoint
-- Cards sent before this migration: their 14 days count from when Lark took them.
UPDATE `card_messages` SET `sent_at` = coalesce((SELECT `sent_at` FROM `group_messages` WHERE `group_messages`.`message_id` = `card_messages`.`message_id`), `created_at`) WHERE `message_id` IS NOT NULL;
