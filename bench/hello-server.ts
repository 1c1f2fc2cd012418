/**
 * The baseline for the webhook benchmark: a bare Hono app on @hono/node-server that answers
 * every POST with `{}`, as the webhook does, and does nothing else: it does not even read the
 * body (Node discards it), so it is the floor of the framework's cost per request.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/lark/events', (c) => c.json({}));
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => console.log(`ready ${info.port}`));
