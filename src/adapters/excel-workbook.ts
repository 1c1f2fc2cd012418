/**
 * exceljs, loaded the first time a workbook is made. It is the heaviest module duban uses (about a
 * third of a second of CPU to load), and most processes never need it: `duban import suggestions
 * x.csv` hands its rows to a running server whose webhook shares the machine's cores meanwhile
 * (issue 11), and a server reads or writes XLSX only when a report or an .xlsx import asks.
 */
import type ExcelJS from 'exceljs';

let loading: Promise<typeof ExcelJS> | undefined;

export async function newWorkbook(): Promise<ExcelJS.Workbook> {
  loading ??= import('exceljs').then((module) => module.default);
  const excel = await loading;
  return new excel.Workbook();
}
