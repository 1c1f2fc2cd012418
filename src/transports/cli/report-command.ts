/**
 * `duban report [--format md|csv|xlsx] [--out FILE]` with the filters of GET /api/stats as
 * options (SPEC §7, §10). Markdown and CSV go to stdout without --out; XLSX needs --out. A bad
 * option is reported through commander (exit code 1), naming the option and what is wrong.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { renderReport, REPORT_FORMATS, type ReportFormat } from '../../adapters/report/render.ts';
import { checkFilters, computeStats } from '../../app/stats.ts';
import { FILTER_KEYS } from '../../core/stats/filters.ts';
import type { OpenedApp } from './program.ts';

interface ReportOptions {
  format: ReportFormat;
  out?: string;
  session?: string;
  kind?: string;
  timing?: string;
  unit?: string;
  category?: string;
  from?: string;
  to?: string;
}

export function registerReportCommand(program: Command, withApp: <T>(run: (app: OpenedApp) => T | Promise<T>) => Promise<T>): Command {
  return program
    .command('report')
    .description('the handling report (SPEC §10): Markdown, CSV or XLSX, for a session or any filter')
    .addOption(new Option('--format <format>', 'md (Chinese report), csv or xlsx (the tables)').choices(REPORT_FORMATS).default('md'))
    .option('--out <file>', 'write to this file (stdout when omitted; required for xlsx)')
    .option('--session <session>', 'session label, e.g. 市六届人大二次会议')
    .option('--kind <kind>', 'suggestion|motion|proposal (建议|议案|提案)')
    .option('--timing <timing>', 'session|interim (大会|闭会)')
    .option('--unit <unit>', 'a unit id: that unit’s own figures')
    .option('--category <category>', 'a category, e.g. 交通邮电')
    .option('--from <date>', 'assignment date from, YYYY-MM-DD, inclusive')
    .option('--to <date>', 'assignment date to, YYYY-MM-DD, inclusive')
    .action(async function (this: Command, options: ReportOptions) {
      if (options.format === 'xlsx' && !options.out) this.error('duban report: --format xlsx needs --out FILE (a workbook is not written to the terminal)', { exitCode: 1, code: 'duban.report.out' });
      await withApp(async ({ context: ctx }) => {
        const raw = Object.fromEntries(FILTER_KEYS.map((key) => [key, options[key]]));
        const check = checkFilters(ctx, raw);
        if (!check.ok) this.error(`duban report: invalid filter — ${check.problems.join('; ')}`, { exitCode: 1, code: 'duban.report.filter' });
        const stats = computeStats(ctx, check.ok ? check.filters : {});
        const report = await renderReport(stats, options.format);
        if (options.out) {
          writeFileSync(options.out, report.body);
          console.log(`报告已写入 Report written to ${resolve(options.out)} (${options.format}, ${stats.totals.suggestions} suggestions, as of ${stats.asOf})`);
        } else {
          process.stdout.write(report.body);
        }
      });
    });
}
