/**
 * Reads a suggestions file into rows of raw values keyed by header, whatever its format:
 * CSV (csv-parse: quoting, BOM, CRLF handled by a well-tested parser), XLSX (exceljs, the first
 * worksheet) or JSON (one object or an array). Row numbers are the ones a person sees: in a
 * spreadsheet the header is row 1 and the first suggestion row 2; in JSON the first item is 1.
 */
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { newWorkbook } from '../../adapters/excel-workbook.ts';

import type { RawRow } from '../../app/import/suggestion-row.ts';

export type { RawRow };
export type TableFormat = 'csv' | 'xlsx' | 'json';

export class TableReadError extends Error {}

export function formatOfPath(path: string): TableFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.json') return 'json';
  throw new TableReadError(`Unsupported file type "${ext || path}": use .csv, .xlsx or .json`);
}

export async function readTable(content: Buffer, format: TableFormat): Promise<RawRow[]> {
  switch (format) {
    case 'csv':
      return readCsv(content);
    case 'xlsx':
      return readXlsx(content);
    case 'json':
      return readJson(content);
  }
}

function readCsv(content: Buffer): RawRow[] {
  let records: string[][];
  try {
    records = parseCsv(content, { bom: true, relax_column_count: true, skip_empty_lines: false });
  } catch (error) {
    throw new TableReadError(`The CSV file cannot be parsed: ${(error as Error).message}`);
  }
  return rowsFromGrid(records.map((cells, index) => ({ row: index + 1, cells })));
}

async function readXlsx(content: Buffer): Promise<RawRow[]> {
  const workbook = await newWorkbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (error) {
    throw new TableReadError(`The XLSX file cannot be read: ${(error as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new TableReadError('The XLSX file has no worksheet');
  const grid: Array<{ row: number; cells: string[] }> = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let col = 1; col <= sheet.columnCount; col++) cells.push(cellText(row.getCell(col).value));
    grid.push({ row: rowNumber, cells });
  });
  return rowsFromGrid(grid);
}

/** Excel cells hold strings, numbers, dates, rich text, formulas or links; the import wants text. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return cellText(value.text as ExcelJS.CellValue);
    return '';
  }
  return String(value);
}

function rowsFromGrid(grid: Array<{ row: number; cells: string[] }>): RawRow[] {
  const nonEmpty = grid.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const [header, ...body] = nonEmpty;
  if (!header) throw new TableReadError('The file is empty: the first row must be the header');
  const names = header.cells.map((c) => c.trim());
  return body.map(({ row, cells }) => {
    const values: Record<string, unknown> = {};
    names.forEach((name, i) => {
      if (name) values[name] = cells[i] ?? '';
    });
    return { row, values };
  });
}

function readJson(content: Buffer): RawRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new TableReadError(`The JSON file cannot be parsed: ${(error as Error).message}`);
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.map((item, index) => ({
    row: index + 1,
    values: item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : { __not_an_object: item },
  }));
}
