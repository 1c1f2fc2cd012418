/**
 * `duban publish --out <dir>` with the report's filters (SPEC §7): writes the publication as
 * `publication.json`, `publication.md` and the static page set (`index.html`,
 * `suggestions/<id>.html`) into <dir>, which a congress website can host as it is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { publicationPages, renderPublication } from '../../adapters/report/publication.ts';
import { buildPublication } from '../../app/publication.ts';
import { checkFilters } from '../../app/stats.ts';
import { FILTER_KEYS } from '../../core/stats/filters.ts';
import type { OpenedApp } from './program.ts';

export function registerPublishCommand(program: Command, withApp: <T>(run: (app: OpenedApp) => T | Promise<T>) => Promise<T>): Command {
  const command = program
    .command('publish')
    .description('write the answers that may be published (public answers of non-classified suggestions) as JSON, Markdown and static HTML')
    .requiredOption('--out <dir>', 'the directory to write into (created if missing)');
  for (const key of FILTER_KEYS) command.option(`--${key} <${key}>`, `filter as for the report: ${key}`);
  return command.action(async function (this: Command, options: Record<string, string | undefined> & { out: string }) {
    await withApp(({ context: ctx }) => {
      const check = checkFilters(ctx, Object.fromEntries(FILTER_KEYS.map((key) => [key, options[key]])));
      if (!check.ok) this.error(`duban publish: invalid filter — ${check.problems.join('; ')}`, { exitCode: 1, code: 'duban.publish.filter' });
      const publication = buildPublication(ctx, check.ok ? check.filters : {});
      const files = new Map<string, string>([
        ['publication.json', renderPublication(publication, 'json')],
        ['publication.md', renderPublication(publication, 'md')],
        ...publicationPages(publication),
      ]);
      for (const [path, content] of files) {
        const target = join(options.out, path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
      console.log(`公开内容已写入 Publication written to ${resolve(options.out)} (${publication.items.length} suggestions, ${files.size} files)`);
    });
  });
}
