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
  return { headers: c.req.header(), body: await readLimited(c.req.raw.body, limit) };
};

/**
 * The body as text, read chunk by chunk and abandoned as soon as it passes `limit` bytes: a body
 * sent without a Content-Length (in chunks) is never held in memory beyond the limit.
 */
async function readLimited(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<string> {
  if (!stream) return '';
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8');
  let size = 0;
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw new BodyTooLarge(limit);
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    if (error instanceof BodyTooLarge) throw error;
    throw new UnreadableBody(`the body could not be read: ${(error as Error).message}`);
  } finally {
    reader.releaseLock();
  }
  return text + decoder.decode();
}
