/**
 * The webhook's request reader on Node. @hono/node-server hands over the IncomingMessage as
 * `c.env.incoming`; its headers are read as they are and its body straight from the stream with
 * raw-body (the stream reader under Express's body-parser). Going through `c.req` instead makes
 * the adapter build a WHATWG Request, Headers, a ReadableStream and an AbortController for every
 * request: on the webhook that was more than the rest of the work together
 * (bench/webhook.bench.ts). Without an IncomingMessage it falls back to the Fetch API.
 */
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { BodyTooLarge, readRawRequest, UnreadableBody, type RawRequestReader } from '../../transports/http/raw-request.ts';

export const readNodeRequest: RawRequestReader = async (c, limit) => {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return readRawRequest(c, limit);
  try {
    const body = await getRawBody(incoming, { length: incoming.headers['content-length'] ?? null, limit, encoding: 'utf-8' });
    return { headers: incoming.headers, body };
  } catch (error) {
    if ((error as { type?: unknown }).type === 'entity.too.large') throw new BodyTooLarge(limit);
    throw new UnreadableBody(`the body could not be read: ${(error as Error).message}`);
  }
};
