/**
 * The baseline for duban on `wrangler dev` (bench/webhook.bench.ts): the shape of duban's Worker
 * with none of its work. A bare Hono Worker hands every request to a Durable Object, as duban's
 * Worker hands it to the tenant's object, and the object answers `{}` (the Hono hello-world of
 * bench/hello-server.ts, inside the object). It reads the body first, unlike the Node baseline:
 * workerd refuses to leave a body that crossed into the object unread once the answer is sent.
 * Run under the same `wrangler dev` as duban, it pays the same local proxy, workerd, request
 * logging and Worker → Durable Object hop, and no crypto, JSON or SQLite.
 */
import { DurableObject } from 'cloudflare:workers';
import { Hono } from 'hono';

interface Env {
  HELLO: DurableObjectNamespace<HelloObject>;
}

export class HelloObject extends DurableObject<Env> {
  private readonly app = new Hono().post('/lark/events', async (c) => {
    await c.req.arrayBuffer();
    return c.json({});
  });

  override fetch(request: Request): Response | Promise<Response> {
    return this.app.fetch(request);
  }
}

const worker = new Hono<{ Bindings: Env }>();
worker.all('*', (c) => c.env.HELLO.get(c.env.HELLO.idFromName('default')).fetch(c.req.raw));

export default worker;
