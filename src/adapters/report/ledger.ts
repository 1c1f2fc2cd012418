/**
 * The ledgers (两本台账, SPEC §7) in their three formats: JSON (one object per row, English keys),
 * CSV (UTF-8 with a byte-order mark, CRLF, every field formula-safe through csvField) and XLSX
 * (one sheet, header bold and frozen, dates as real dates formatted yyyy-mm-dd).
 */
import type ExcelJS from 'exceljs';
import { newWorkbook } from '../excel-workbook.ts';
import { CSV_BOM, csvField } from './csv.ts';

export const LEDGER_KINDS = ['commitments', 'answers'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];
export const LEDGER_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type LedgerFormat = (typeof LEDGER_FORMATS)[number];

export interface LedgerColumn {
  key: string;
  /** The Chinese header of the CSV and the workbook. */
  header: string;
  /** `date` values are YYYY-MM-DD strings (local dates); `int` numbers; `text` strings. */
  type: 'text' | 'date' | 'int';
  width: number;
}
export type LedgerValue = string | number | null;

export interface Ledger {
  kind: LedgerKind;
  /** 承诺事项台账 or 答复台账. */
  title: string;
  asOf: string;
  columns: LedgerColumn[];
  rows: Array<Record<string, LedgerValue>>;
}

export interface RenderedLedger {
  body: string | Buffer;
  contentType: string;
  filename: string;
}

const CONTENT_TYPES: Record<LedgerFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function renderLedgerCsv(ledger: Ledger): string {
  const lines = [ledger.columns.map((c) => csvField(c.header)).join(',')];
  for (const row of ledger.rows) lines.push(ledger.columns.map((c) => csvField(row[c.key] ?? '')).join(','));
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}

/** A local date as the workbook's date: midnight UTC of that day, which exceljs stores as the day's serial number. */
const asExcelDate = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

export async function renderLedgerXlsx(ledger: Ledger): Promise<Buffer> {
  const workbook = await newWorkbook();
  workbook.creator = 'duban';
  const sheet = workbook.addWorksheet(ledger.title, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  sheet.columns = ledger.columns.map((c) => ({ key: c.key, width: c.width, ...(c.type === 'date' && { style: { numFmt: 'yyyy-mm-dd' } }) }));
  const header = sheet.addRow(ledger.columns.map((c) => c.header));
  header.font = { bold: true };
  for (const row of ledger.rows) {
    sheet.addRow(
      ledger.columns.map((c) => {
        const value = row[c.key] ?? null;
        return c.type === 'date' && typeof value === 'string' ? asExcelDate(value) : value;
      }),
    );
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function renderLedger(ledger: Ledger, format: LedgerFormat): Promise<RenderedLedger> {
  const body = format === 'json' ? JSON.stringify(ledger) : format === 'csv' ? renderLedgerCsv(ledger) : await renderLedgerXlsx(ledger);
  return { body, contentType: CONTENT_TYPES[format], filename: `duban-ledger-${ledger.kind}-${ledger.asOf}.${format}` };
}
