/**
 * The report as one CSV file: the tables one after another, each headed by a row holding its
 * title alone, with an empty line between tables. UTF-8 with a byte-order mark and CRLF line ends,
 * so Excel opens the Chinese text correctly; percentages as printed in the report ("91.8%").
 */
import { stripInvisible } from '../../core/outbound-text.ts';
import type { Stats } from '../../core/stats/figures.ts';
import { reportTables, type Cell, type ReportTable } from './tables.ts';

export const CSV_BOM = '\uFEFF';

/**
 * One CSV field. Text a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a
 * tab or a carriage return, e.g. a title `=HYPERLINK(…)`) is prefixed with an apostrophe, which
 * spreadsheets show as text (OWASP "CSV injection"); numbers are written as numbers. Characters
 * that only hide or reorder text are dropped (src/core/outbound-text.ts).
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const visible = stripInvisible(value); // bidi overrides and zero-width characters would spoof a cell
  const text = /^[=+\-@\t\r]/.test(visible) ? `'${visible}` : visible;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cellValue(cell: Cell): string | number {
  if (cell === null) return '';
  if (typeof cell === 'object') return cell.text;
  return cell;
}

export function csvTable(table: ReportTable): string[] {
  return [csvField(`【${table.name}】`), table.columns.map((c) => csvField(c.header)).join(','), ...table.rows.map((row) => row.map((c) => csvField(cellValue(c))).join(','))];
}

export function renderReportCsv(stats: Stats): string {
  const blocks = reportTables(stats).map((t) => csvTable(t).join('\r\n'));
  return `${CSV_BOM}${blocks.join('\r\n\r\n')}\r\n`;
}
