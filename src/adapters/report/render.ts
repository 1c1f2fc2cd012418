/**
 * One entry point for every format of the handling report: the body, its content type and the
 * file name it should be saved under (used by GET /api/report and `duban report`).
 */
import type { Stats } from '../../core/stats/figures.ts';
import { renderReportCsv } from './csv.ts';
import { renderReportMarkdown, reportTitle } from './markdown.ts';
import { renderReportXlsx } from './xlsx.ts';

export const REPORT_FORMATS = ['md', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface RenderedReport {
  format: ReportFormat;
  body: string | Buffer;
  contentType: string;
  /** An ASCII file name, e.g. duban-report-2024-11-20.md. */
  filename: string;
  /** The Chinese file name, e.g. 市六届人大二次会议代表建议办理情况统计报告-2024-11-20.md. */
  filenameZh: string;
}

export async function renderReport(stats: Stats, format: ReportFormat): Promise<RenderedReport> {
  const body = format === 'md' ? renderReportMarkdown(stats) : format === 'csv' ? renderReportCsv(stats) : await renderReportXlsx(stats);
  return {
    format,
    body,
    contentType: CONTENT_TYPES[format],
    filename: `duban-report-${stats.asOf}.${format}`,
    filenameZh: `${reportTitle(stats)}-${stats.asOf}.${format}`,
  };
}

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987). */
export function contentDisposition(report: Pick<RenderedReport, 'filename' | 'filenameZh'>): string {
  const encoded = encodeURIComponent(report.filenameZh).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${report.filename}"; filename*=UTF-8''${encoded}`;
}
