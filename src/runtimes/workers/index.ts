/**
 * The Cloudflare Workers entry point (wrangler.toml). Not built yet: the Workers runtime cannot
 * load better-sqlite3 or the Lark Node SDK, so it needs the D1 store and a fetch-based Lark
 * client, which come with the Workers step. Until then it answers honestly that it is not ready.
 */
export default {
  fetch(): Response {
    return Response.json(
      { error: { code: 'not_implemented', message: 'The Workers build of duban is not implemented yet; run it on Node (npm start).' } },
      { status: 501 },
    );
  },
};
