DROP INDEX `card_messages_live`;--> statement-breakpoint
CREATE INDEX `card_messages_live` ON `card_messages` (`sent_at`) WHERE retired_at is null and kind not in ('reminder', 'digest', 'search_results', 'escalations');--> statement-breakpoint
ALTER TABLE `audit_log` ADD `hash` text;--> statement-breakpoint
ALTER TABLE `group_messages` ADD `recalled_at` text;--> statement-breakpoint
ALTER TABLE `group_messages` ADD `recall_type` text;--> statement-breakpoint
-- The audit log is a record, not a table to tidy: the database itself refuses to change or remove a row.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log` BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END;--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log` BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END;
