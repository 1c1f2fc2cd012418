/**
 * `duban search <words>` (SPEC §7): the knowledge base from the command line, best first, with the
 * filters of GET /api/search as options; `--json` prints what the API answers. A query with no
 * word of two characters, or a bad option, is one clear error and exit code 1.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { MAX_SEARCH_LIMIT, searchKnowledge } from '../../app/knowledge-base.ts';
import type { SearchHit } from '../../adapters/sqlite/search-index.ts';
import type { OpenedApp } from './program.ts';

interface SearchOptions {
  limit: number;
  session?: string;
  unit?: string;
  category?: string;
  class?: 'A' | 'B' | 'C' | 'D';
  year?: string;
  json?: boolean;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEARCH_LIMIT) throw new InvalidArgumentError(`a whole number from 1 to ${MAX_SEARCH_LIMIT}`);
  return n;
}

function parseYear(value: string): string {
  if (!/^\d{4}$/.test(value)) throw new InvalidArgumentError('four digits, e.g. 2025');
  return value;
}

export function registerSearchCommand(program: Command, withApp: <T>(run: (app: OpenedApp) => T | Promise<T>) => Promise<T>): Command {
  return program
    .command('search <words...>')
    .description('search earlier suggestions and their answers (the knowledge base), best first')
    .option('--limit <n>', `how many (1–${MAX_SEARCH_LIMIT})`, parseLimit, 10)
    .option('--session <session>', 'session label, e.g. 市六届人大二次会议')
    .option('--unit <unit>', 'a unit id')
    .option('--category <category>', 'a category, e.g. 城乡建设与管理')
    .addOption(new Option('--class <class>', 'the public answer’s result class').choices(['A', 'B', 'C', 'D']))
    .option('--year <yyyy>', 'the year it was assigned', parseYear)
    .option('--json', 'print the API’s JSON')
    .action((words: string[], options: SearchOptions) =>
      withApp(({ context }) => {
        const result = searchKnowledge(context, {
          q: words.join(' '),
          limit: options.limit,
          session: options.session,
          unit: options.unit,
          category: options.category,
          resultClass: options.class,
          year: options.year,
        });
        console.log(options.json ? JSON.stringify(result, null, 2) : formatHits(result.query, result.items));
      }),
    );
}

function formatHits(query: string, hits: SearchHit[]): string {
  if (hits.length === 0) return `没有找到与“${query}”相关的建议 Nothing matches "${query}"`;
  const lines = [`与“${query}”最相关的 ${hits.length} 件 The ${hits.length} best matches for "${query}":`];
  hits.forEach((h, i) => {
    lines.push(`${i + 1}. ${h.session} 第${h.number}号 ${h.title}${h.classified ? '（涉密）' : ''}`);
    lines.push(`   ${h.year} · ${h.units.join('、') || '—'} · ${h.answer ? `答复 ${h.answer.resultClass}类：${h.answer.summary}` : '无可公开的答复 no public answer'}`);
    if (h.snippet && h.snippet !== h.title) lines.push(`   …${h.snippet.replace(/^…/, '')}`);
  });
  return lines.join('\n');
}
