/**
 * The CLI's side of handing an import to the running server (issue 11; the server's side and why:
 * src/transports/http/cli-import-routes.ts). One request with every row as read from the file,
 * one JSON line each, answered by a stream of JSON lines: progress, then the report (its counts
 * and rejected rows; not its per-row items, which the CLI does not print).
 *
 * A server that does not take the rows (not answering: a file left by a killed server; or any
 * answer but 200) leaves nothing written, and the CLI imports by itself. Once the server has taken
 * them, a broken answer is an error: the rows imported so far are whole (each in its own
 * savepoint), and running the command again imports the rest and leaves those unchanged.
 */
import type { ImportReport } from '../../app/import/import-suggestions.ts';
import type { RawRow } from './read-table.ts';
import { CLI_IMPORT_PATH } from '../http/cli-import-routes.ts';

/** Where the server holding this database listens, and the token of its server file. */
export interface RunningServerAddress {
  url: string;
  token: string;
}

export type HandOffResult = { taken: true; report: ImportReport } | { taken: false; why: string };

/** An import the server took and could not finish: say so, and what to do. */
export class HandOffError extends Error {}

export async function handOffImport(server: RunningServerAddress, rows: RawRow[], onProgress: (done: number) => void): Promise<HandOffResult> {
  let response: Response;
  try {
    response = await fetch(new URL(CLI_IMPORT_PATH, server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/x-ndjson' },
      // One row a line: the server parses them a few at a time (cli-import-routes.ts).
      body: rows.map((row) => JSON.stringify(row)).join('\n'),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { taken: false, why: `${server.url} does not answer (${cause?.code ?? cause?.message ?? (error as Error).message})` };
  }
  if (response.status !== 200 || !response.body) {
    const text = await response.text().catch(() => '');
    return { taken: false, why: `${server.url} answered ${response.status} ${text.slice(0, 200)}`.trim() };
  }

  const decoder = new TextDecoder();
  let pending = '';
  try {
    for await (const chunk of response.body) {
      pending += decoder.decode(chunk as Uint8Array, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (!line.trim()) continue;
        const message = JSON.parse(line) as { progress?: { done: number }; report?: ImportReport; error?: { message: string } };
        if (message.progress) onProgress(message.progress.done);
        if (message.report) return { taken: true, report: message.report };
        if (message.error) throw new HandOffError(`服务器导入失败 The server's import failed: ${message.error.message}. 已导入的行完整无缺，再次运行本命令即可完成导入 (the rows imported so far are whole; run the same command again to finish)`);
      }
    }
  } catch (error) {
    if (error instanceof HandOffError) throw error;
    throw new HandOffError(`与服务器的连接中断 The server stopped answering during the import (${(error as Error).message}). 已导入的行完整无缺，再次运行本命令即可完成导入 (the rows imported so far are whole; run the same command again to finish)`);
  }
  throw new HandOffError('服务器未给出导入结果 The server ended its answer without the import\'s report. 已导入的行完整无缺，再次运行本命令即可完成导入 (the rows imported so far are whole; run the same command again to finish)');
}
