import { it, expect } from 'vitest';
import { startLarkWorld } from './support/lark-world.ts';
import { sealed } from './support/webhook-helpers.ts';
it('probe', async () => {
  const w = await startLarkWorld();
  const url = `${w.duban.server.url}/lark/events`;
  const big = await sealed(w, { padding: 'x'.repeat(600 * 1024) });
  for (let i = 0; i < 3; i++) {
    try {
      const r = await fetch(url, { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
      console.log('big', r.status, (await r.text()).slice(0, 100));
    } catch (e) { console.log('big err', e, (e as any).cause); }
    try {
      const r = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      console.log('small', r.status, await r.text());
    } catch (e) { console.log('small err', (e as any).cause); }
  }
  await w.close();
});
