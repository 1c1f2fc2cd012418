/**
 * The report as a real workbook (exceljs): one sheet per table, the header row bold and frozen,
 * whole numbers as numbers, percentages as numbers (the printed, rounded fraction, e.g. 0.918)
 * with the format 0.0% (0.00% under a two-decimal policy) so Excel shows what the Markdown report prints.
 */
import type ExcelJS from 'exceljs';
import { newWorkbook } from '../excel-workbook.ts';
import { stripInvisible } from '../../core/outbound-text.ts';
import type { Stats } from '../../core/stats/figures.ts';
import { reportTables, type ReportTable } from './tables.ts';

export const PERCENT_FORMAT = '0.0%';
const percentFormat = (decimals: 1 | 2): string => (decimals === 1 ? PERCENT_FORMAT : '0.00%');

function addSheet(workbook: ExcelJS.Workbook, table: ReportTable): void {
  const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  sheet.columns = table.columns.map((c, i) => ({ key: `c${i}`, width: c.width, ...(c.kind === 'percent' && { style: { numFmt: PERCENT_FORMAT } }) }));
  const header = sheet.addRow(table.columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  for (const row of table.rows) {
    // Text cells are typed strings (never formulas); what only hides or reorders text is dropped.
    const added = sheet.addRow(row.map((cell) => (cell !== null && typeof cell === 'object' ? (cell.units === null ? null : cell.units / (cell.decimals === 1 ? 1000 : 10000)) : typeof cell === 'string' ? stripInvisible(cell) : cell)));
    row.forEach((cell, i) => {
      if (cell !== null && typeof cell === 'object') added.getCell(i + 1).numFmt = percentFormat(cell.decimals);
    });
  }
}

export async function renderReportXlsx(stats: Stats): Promise<Buffer> {
  const workbook = await newWorkbook();
  workbook.creator = 'duban';
  workbook.created = new Date(stats.generatedAt);
  for (const table of reportTables(stats)) addSheet(workbook, table);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
