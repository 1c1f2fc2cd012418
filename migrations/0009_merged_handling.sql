CREATE TABLE `suggestion_merges` (
	`member_suggestion_id` text PRIMARY KEY NOT NULL,
	`lead_suggestion_id` text NOT NULL,
	`merged_by` text NOT NULL,
	`merged_at` text NOT NULL,
	FOREIGN KEY (`member_suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `suggestion_merges_lead` ON `suggestion_merges` (`lead_suggestion_id`);