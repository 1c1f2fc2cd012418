/**
 * A request's headers and body as sent, with a size limit that refuses an oversized body without
 * reading it.
 *
 * On Node, @hono/node-server hands over the IncomingMessage as `c.env.incoming`; its headers are
 * read as they are and its body straight from the stream with raw-body (the stream reader under
 * Express's body-parser). Going through `c.req` instead makes the adapter build a WHATWG Request,
 * Headers, a ReadableStream and an AbortController for every request: on the webhook that was
 * more than the rest of the work together (bench/webhook.bench.ts). Where there is no
 * IncomingMessage (Workers), the Fetch API is used.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import getRawBody from 'raw-body';

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

export async function readRawRequest(c: Context, limit: number): Promise<RawRequest> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) return { headers: incoming.headers, body: await readNodeBody(incoming, limit) };
  if (Number(c.req.header('content-length') ?? NaN) > limit) throw new BodyTooLarge(limit);
  const body = await c.req.text();
  if (new TextEncoder().encode(body).length > limit) throw new BodyTooLarge(limit);
  return { headers: c.req.header(), body };
}

async function readNodeBody(incoming: IncomingMessage, limit: number): Promise<string> {
  try {
    return await getRawBody(incoming, { length: incoming.headers['content-length'] ?? null, limit, encoding: 'utf-8' });
  } catch (error) {
    if ((error as { type?: unknown }).type === 'entity.too.large') throw new BodyTooLarge(limit);
    throw new UnreadableBody(`the body could not be read: ${(error as Error).message}`);
  }
}
