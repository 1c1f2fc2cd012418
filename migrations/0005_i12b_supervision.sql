CREATE TABLE `personal_digests` (
	`open_id` text NOT NULL,
	`week` text NOT NULL,
	`items` integer NOT NULL,
	`sent_at` text NOT NULL,
	PRIMARY KEY(`open_id`, `week`)
);
