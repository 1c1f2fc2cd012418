import type { Context } from 'hono';
import { HttpError } from './errors.ts';

/** Parses the request body as JSON, or answers 400 naming the problem. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new HttpError(400, 'invalid_json', 'The request body is empty: send JSON');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}
