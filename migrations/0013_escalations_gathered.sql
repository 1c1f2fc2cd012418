ALTER TABLE `reminders_sent` ADD `gathered_at` text;--> statement-breakpoint
CREATE INDEX `reminders_sent_to_gather` ON `reminders_sent` (`sent_at`) WHERE gathered_at is null and level in ('escalation', 'escalation2');--> statement-breakpoint
-- Escalations sent before this migration were listed on their day's card by the sweep that sent them.
UPDATE `reminders_sent` SET `gathered_at` = `sent_at` WHERE `level` IN ('escalation', 'escalation2');
