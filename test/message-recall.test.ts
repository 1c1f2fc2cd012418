/**
 * Message recalls (issue 11, point 10): a person recalls a message in a suggestion's group through
 * the sandbox's UI (as in Lark), the bot gets `im.message.recalled_v1` — signed over the webhook,
 * or pushed over the long connection — and duban keeps the message with its text, marked recalled
 * with when; the timeline and the dossier show it so. One handler table serves both paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startNodeLarkWorld } from './support/lark-world.ts';
import { importSuggestion, type NodeLarkWorld } from './support/webhook-helpers.ts';
import { deputy, unit } from './support/world.ts';

const d01 = deputy('d01');
const jtw = { liaison: unit('jtw').liaisons[0]! };

for (const mode of ['webhook', 'websocket'] as const) {
  describe(`a recalled message is kept and marked recalled (${mode})`, () => {
    let w: NodeLarkWorld;
    let s: { id: string; chatId: string };
    beforeAll(async () => {
      w = await startNodeLarkWorld({ LARK_EVENT_MODE: mode });
      await w.loadDirectory();
      s = await importSuggestion(w, mode === 'webhook' ? '1401' : '1402');
    });
    afterAll(() => w?.close());

    it('the text stays in the timeline and the dossier, marked recalled with when; a second recall and a stranger change nothing', async () => {
      const said = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d01, text: '这条发错了，请忽略' });
      expect(said.status).toBe(200);
      const kept = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d01, text: '请尽快回复' });

      // A liaison cannot recall the deputy's message (not the sender, not the owner): nothing sent.
      const stranger = await fetch(`${w.sandbox.url}/sandbox/messages/${said.messageId}/recall`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operator: jtw.liaison }),
      });
      expect(stranger.status).toBe(400);

      // The deputy presses 撤回 in the sandbox UI (a same-origin form post, as the browser sends it).
      const before = w.sandbox.fake.clock().getTime();
      const recalled = await fetch(`${w.sandbox.url}/sandbox/ui/recall`, {
        method: 'POST',
        headers: { origin: w.sandbox.url, 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams({ as: d01, chat: s.chatId, message: said.messageId }),
        redirect: 'manual',
      });
      expect(recalled.status).toBe(303);
      expect(decodeURIComponent(recalled.headers.get('location')!.replace(/\+/g, ' '))).toContain('im.message.recalled_v1 (HTTP 200)');
      const recallEvent = w.sandbox.events.deliveries.at(-1)!;
      expect(recallEvent.status).toBe(200);

      const detail = await w.api('GET', `/api/suggestions/${s.id}`);
      const messages = detail.body.timeline.filter((e: { type: string }) => e.type === 'message');
      expect(messages).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ messageId: said.messageId, text: '这条发错了，请忽略', recalledAt: expect.any(String), recallType: 'message_owner' }),
          expect.objectContaining({ messageId: kept.messageId, text: '请尽快回复', recalledAt: null, recallType: null }),
        ]),
      );

      const recalledAt = messages.find((m: { messageId: string }) => m.messageId === said.messageId).recalledAt as string;
      expect(Date.parse(recalledAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(recalledAt)).toBeLessThanOrEqual(w.sandbox.fake.clock().getTime());

      const md = await (await fetch(`${w.url}/api/suggestions/${s.id}?format=md`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
      expect(md).toMatch(/这条发错了，请忽略（已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 撤回）/);
      expect(md).toContain('| 请尽快回复 |');

      // Lark redelivers the recall: the first one stands.
      await w.sandbox.events.redeliver(recallEvent.eventId!);
      const again = await w.api('GET', `/api/suggestions/${s.id}`);
      expect(again.body.timeline.find((e: { messageId?: string }) => e.messageId === said.messageId)).toMatchObject({ recalledAt });
    });
  });
}
