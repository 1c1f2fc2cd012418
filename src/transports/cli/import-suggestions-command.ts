/**
 * `duban import suggestions <file>`: imports with a progress bar on the terminal, then prints a
 * summary and every rejected row with its number and reason. Returns how many rows were rejected.
 * When a server is running on the same database, the rows are handed to it (hand-off-import.ts)
 * and it imports them: the bar and the summary are the same either way.
 */
import { SingleBar } from 'cli-progress';
import { localDate } from '../../core/clock.ts';
import type { RawRow } from './read-table.ts';
import { deadlineContext, type AppContext } from '../../app/context.ts';
import { importSuggestionsInSlices, type ImportReport } from '../../app/import/import-suggestions.ts';
import { commandPacing } from '../../app/long-work.ts';
import { handOffImport, type RunningServerAddress } from './hand-off-import.ts';

export async function importSuggestionsCommand(ctx: AppContext, file: string, rows: RawRow[], server?: RunningServerAddress): Promise<number> {
  console.log(`导入建议 Importing ${rows.length} rows from ${file}`);
  // cli-progress draws only when stderr is a terminal, so logs and CI output stay clean.
  const bar = new SingleBar({ format: '  {bar} {value}/{total} rows', stream: process.stderr, hideCursor: true });
  bar.start(rows.length, 0);
  let report: ImportReport | undefined;
  if (server) {
    const handed = await handOffImport(server, rows, (done) => bar.update(done));
    if (handed.taken) {
      report = handed.report;
      console.log(`已交给运行中的服务器导入 Imported by the server running on this database (${server.url})`);
    } else {
      console.error(`服务器未接手，由命令行直接写入数据库 The server did not take the import (${handed.why}): importing into the database directly`);
    }
  }
  report ??= await importHere(ctx, rows, (done) => bar.update(done));
  bar.stop();
  printSummary(report);
  return report.rejected.length;
}

/** No server on this database: the CLI writes the file itself. */
function importHere(ctx: AppContext, rows: RawRow[], onProgress: (done: number) => void): Promise<ImportReport> {
  const now = ctx.clock();
  // In short slices, each its own transaction, with a pause as long between them: a server
  // started meanwhile on the same file writes in the pauses rather than waiting out the import.
  const { sliceMs, pause } = commandPacing();
  return importSuggestionsInSlices(ctx.db, rows, {
    sliceMs,
    pace: pause,
    source: 'cli',
    actor: 'system:cli',
    now,
    today: localDate(now, ctx.config.timeZone),
    onProgress,
    deadlines: deadlineContext(ctx),
  });
}

function printSummary(report: ImportReport): void {
  const lines = [
    `完成 Done: ${report.total} rows — 新建 created ${report.created}, 更新 updated ${report.updated}, 未变 unchanged ${report.unchanged}, 拒绝 rejected ${report.rejected.length}`,
  ];
  if (report.unknownColumns.length) lines.push(`未识别的列（已忽略） Unknown columns (ignored): ${report.unknownColumns.join(', ')}`);
  if (report.rejected.length) {
    lines.push('被拒绝的行 Rejected rows:');
    for (const r of report.rejected) lines.push(`  第 ${r.row} 行 row ${r.row}${r.number ? `（编号 ${r.number}）` : ''}: ${r.reason}`);
  }
  console.log(lines.join('\n'));
}
