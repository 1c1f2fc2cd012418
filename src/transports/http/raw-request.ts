/**
 * A request's headers and body as sent, with a size limit that refuses an oversized body without
 * reading it. This reader uses the Fetch API, which every runtime has; a runtime may supply a
 * faster one of its own (Node reads its IncomingMessage: src/runtimes/node/read-node-request.ts).
 */
import type { Context } from 'hono';

export interface RawRequest {
  /** The headers by lower-case name. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One header's value; a repeated header's values joined as the Fetch API joins them. */
export function headerValue(request: RawRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the body is larger than ${limit} bytes`);
  }
}

/** The body could not be read as sent: cut short, or longer or shorter than its Content-Length. */
export class UnreadableBody extends Error {}

/** Reads a request's headers and body, refusing a body over `limit` bytes. */
export type RawRequestReader = (c: Context, limit: number) => Promise<RawRequest>;

export const readRawRequest: RawRequestReader = async (c, limit) => {
  if (Number(c.req.header('content-length') ?? NaN) > limit) throw new BodyTooLarge(limit);
  let bytes: Uint8Array;
  try {
    bytes = c.req.raw.body ? await readAtMost(c.req.raw.body, limit + 1) : new Uint8Array();
  } catch (error) {
    throw new UnreadableBody(`the body could not be read: ${(error as Error).message}`);
  }
  if (bytes.byteLength > limit) throw new BodyTooLarge(limit);
  return { headers: c.req.header(), body: new TextDecoder('utf-8').decode(bytes) };
};

/**
 * Reads a body stream chunk by chunk and keeps at most `max` bytes: a body sent without a
 * Content-Length (in chunks) is never held in memory beyond `max`. The rest is cancelled, or, with
 * `drainRest`, read and dropped, for a runtime that can reuse the connection only once the whole
 * request has been read. Resolves with the bytes kept.
 */
export async function readAtMost(stream: ReadableStream<Uint8Array>, max: number, options: { drainRest?: boolean } = {}): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    if (size >= max) {
      if (options.drainRest) while (!(await reader.read()).done);
      else await reader.cancel().catch(() => undefined);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(Math.min(size, max));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.byteLength - at);
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}
