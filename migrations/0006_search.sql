CREATE TABLE `search_docs` (
	`doc_id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`suggestion_id` text NOT NULL,
	FOREIGN KEY (`suggestion_id`) REFERENCES `suggestions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_docs_suggestion_id_unique` ON `search_docs` (`suggestion_id`);--> statement-breakpoint
DROP INDEX `card_messages_live`;--> statement-breakpoint
CREATE INDEX `card_messages_live` ON `card_messages` (`sent_at`) WHERE retired_at is null and kind not in ('reminder', 'digest', 'search_results');--> statement-breakpoint
-- The knowledge base's full-text index (src/core/search-text.ts): each column holds a text's
-- overlapping two-character windows, tokenized by unicode61. Kept up to date by the stores in the
-- transaction of every change (src/adapters/sqlite/search-index.ts).
CREATE VIRTUAL TABLE `search_index` USING fts5(`title`, `body`, `category`, `answers`, `notes`, tokenize = 'unicode61');
--> statement-breakpoint
-- How many documents hold each term: similar items leave out the terms nearly every suggestion has (关于, 建议).
CREATE VIRTUAL TABLE `search_terms` USING fts5vocab(`search_index`, 'row');
--> statement-breakpoint
INSERT INTO `search_docs` (`suggestion_id`) SELECT `id` FROM `suggestions` ORDER BY `created_at`, `id`;
--> statement-breakpoint
-- The backfill: the same windows as searchDocument() computes, in SQL. A classified suggestion
-- gives only its title and category; only approved, public answers are indexed.
WITH RECURSIVE
  `texts` (`doc_id`, `col`, `part`, `t`) AS (
    SELECT d.`doc_id`, 'title', '', s.`title` FROM `search_docs` d JOIN `suggestions` s ON s.`id` = d.`suggestion_id`
    UNION ALL
    SELECT d.`doc_id`, 'body', '', s.`body` FROM `search_docs` d JOIN `suggestions` s ON s.`id` = d.`suggestion_id` WHERE s.`classified` = 0
    UNION ALL
    SELECT d.`doc_id`, 'category', '', s.`category` FROM `search_docs` d JOIN `suggestions` s ON s.`id` = d.`suggestion_id`
    UNION ALL
    SELECT d.`doc_id`, 'answers', a.`id`, a.`summary` FROM `search_docs` d JOIN `suggestions` s ON s.`id` = d.`suggestion_id`
      JOIN `answers` a ON a.`suggestion_id` = s.`id` WHERE s.`classified` = 0 AND a.`status` = 'approved' AND a.`public` = 1
    UNION ALL
    SELECT d.`doc_id`, 'notes', p.`id`, p.`text` FROM `search_docs` d JOIN `suggestions` s ON s.`id` = d.`suggestion_id`
      JOIN `progress_reports` p ON p.`suggestion_id` = s.`id` WHERE s.`classified` = 0
  ),
  `win` (`doc_id`, `col`, `part`, `t`, `i`, `w`) AS (
    SELECT `doc_id`, `col`, `part`, `t`, 1, CASE WHEN length(`t`) <= 1 THEN `t` ELSE substr(`t`, 1, 2) END FROM `texts`
    UNION ALL
    SELECT `doc_id`, `col`, `part`, `t`, `i` + 1, substr(`t`, `i` + 1, 2) FROM `win` WHERE `i` + 2 <= length(`t`)
  ),
  `cols` (`doc_id`, `col`, `g`) AS (
    SELECT `doc_id`, `col`, group_concat(`w`, ' ') FROM (SELECT * FROM `win` WHERE `w` <> '' ORDER BY `doc_id`, `col`, `part`, `i`) GROUP BY `doc_id`, `col`
  )
INSERT INTO `search_index` (`rowid`, `title`, `body`, `category`, `answers`, `notes`)
SELECT d.`doc_id`,
  coalesce(max(CASE WHEN c.`col` = 'title' THEN c.`g` END), ''),
  coalesce(max(CASE WHEN c.`col` = 'body' THEN c.`g` END), ''),
  coalesce(max(CASE WHEN c.`col` = 'category' THEN c.`g` END), ''),
  coalesce(max(CASE WHEN c.`col` = 'answers' THEN c.`g` END), ''),
  coalesce(max(CASE WHEN c.`col` = 'notes' THEN c.`g` END), '')
FROM `search_docs` d LEFT JOIN `cols` c ON c.`doc_id` = d.`doc_id`
GROUP BY d.`doc_id`;
