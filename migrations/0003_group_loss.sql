ALTER TABLE `suggestion_chats` ADD `lost_reason` text;--> statement-breakpoint
ALTER TABLE `suggestion_chats` ADD `lost_at` text;--> statement-breakpoint
ALTER TABLE `suggestion_chats` ADD `lost_by` text;