/**
 * `duban ledger [--kind commitments|answers] [--format json|csv|xlsx] [--out FILE]` with the
 * report's filters (SPEC §7): the two ledgers (两本台账). JSON and CSV go to stdout without --out;
 * XLSX needs --out. A bad option is reported through commander (exit code 1).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { LEDGER_FORMATS, LEDGER_KINDS, renderLedger, type LedgerFormat, type LedgerKind } from '../../adapters/report/ledger.ts';
import { buildLedger } from '../../app/ledger.ts';
import { checkFilters } from '../../app/stats.ts';
import { FILTER_KEYS } from '../../core/stats/filters.ts';
import type { OpenedApp } from './program.ts';

interface LedgerOptions {
  kind: LedgerKind;
  format: LedgerFormat;
  out?: string;
  [filter: string]: string | undefined;
}

export function registerLedgerCommand(program: Command, withApp: <T>(run: (app: OpenedApp) => T | Promise<T>) => Promise<T>): Command {
  return program
    .command('ledger')
    .description('the two ledgers (两本台账, SPEC §7): one row per commitment or per answer, as JSON, CSV or XLSX')
    .addOption(new Option('--kind <kind>', 'commitments (承诺事项台账) or answers (答复台账)').choices(LEDGER_KINDS).default('commitments'))
    .addOption(new Option('--format <format>', 'json, csv or xlsx').choices(LEDGER_FORMATS).default('csv'))
    .option('--out <file>', 'write to this file (stdout when omitted; required for xlsx)')
    .option('--session <session>', 'session label')
    .option('--kind-of <kind>', 'suggestion|motion|proposal (建议|议案|提案): the report’s --kind filter')
    .option('--timing <timing>', 'session|interim (大会|闭会)')
    .option('--unit <unit>', 'a unit id: that unit’s rows')
    .option('--category <category>', 'a category')
    .option('--from <date>', 'assignment date from, YYYY-MM-DD, inclusive')
    .option('--to <date>', 'assignment date to, YYYY-MM-DD, inclusive')
    .action(async function (this: Command, options: LedgerOptions) {
      if (options.format === 'xlsx' && !options.out) this.error('duban ledger: --format xlsx needs --out FILE (a workbook is not written to the terminal)', { exitCode: 1, code: 'duban.ledger.out' });
      await withApp(async ({ context: ctx }) => {
        const raw = Object.fromEntries(FILTER_KEYS.map((key) => [key, key === 'kind' ? options.kindOf : options[key]]));
        const check = checkFilters(ctx, raw);
        if (!check.ok) this.error(`duban ledger: invalid filter — ${check.problems.join('; ')}`, { exitCode: 1, code: 'duban.ledger.filter' });
        const ledger = buildLedger(ctx, options.kind, check.ok ? check.filters : {});
        const rendered = await renderLedger(ledger, options.format);
        if (options.out) {
          writeFileSync(options.out, rendered.body);
          console.log(`台账已写入 Ledger written to ${resolve(options.out)} (${ledger.title}, ${ledger.rows.length} rows, as of ${ledger.asOf})`);
        } else {
          process.stdout.write(rendered.body);
        }
      });
    });
}
