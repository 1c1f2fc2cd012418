/**
 * The report as one CSV file: the tables one after another, each headed by a row holding its
 * title alone, with an empty line between tables. UTF-8 with a byte-order mark and CRLF line ends,
 * so Excel opens the Chinese text correctly; percentages as printed in the report ("91.8%").
 */
import { formatTenths } from '../../core/stats/percent.ts';
import type { Stats } from '../../core/stats/figures.ts';
import { reportTables, type Cell, type ReportTable } from './tables.ts';

export const CSV_BOM = '\uFEFF';

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'object') return formatTenths(cell.tenths);
  return String(cell);
}

export function csvTable(table: ReportTable): string[] {
  return [field(`【${table.name}】`), table.columns.map((c) => field(c.header)).join(','), ...table.rows.map((row) => row.map((c) => field(cellText(c))).join(','))];
}

export function renderReportCsv(stats: Stats): string {
  const blocks = reportTables(stats).map((t) => csvTable(t).join('\r\n'));
  return `${CSV_BOM}${blocks.join('\r\n\r\n')}\r\n`;
}
