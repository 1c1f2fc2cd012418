CREATE TABLE `leaders` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`open_id` text NOT NULL,
	`title` text
);
