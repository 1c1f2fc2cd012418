/**
 * duban as `npm start` runs it without Lark credentials — the real HTTP server, the outbox worker
 * with the real Lark SDK, the sandbox on loopback — on one movable clock that the test moves
 * forward, shared by duban and the sandbox (SPEC §9), so a whole handling year takes seconds.
 *
 * Everything is read the way an operator or a person reads it: duban through its admin API, Lark
 * through the sandbox (a group's messages in the order people see them). Cards are found by their
 * title, as a person scrolls to the newest one, and pressed through the sandbox's event sender,
 * which refuses, as Lark's client does, a press on a card older than 14 days.
 *
 * How events reach duban is a parameter (`LARK_EVENT_MODE`), so the same story can run over the
 * webhook and over the long connection.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { DAY_MS, movableClock, type MovableClock } from '../../src/core/clock.ts';
import { startDuban } from '../../src/runtimes/node/start-duban.ts';
import { buttonValue } from '../../src/sandbox/card-check.ts';
import type { FakeMessage } from '../../src/sandbox/sandbox-state.ts';
import { collectButtons, formFields, textOf } from '../../src/sandbox/ui/card-reading.ts';
import { directory, tempDir } from './world.ts';

export const ADMIN_TOKEN = 'clocked-admin-token-0123456789';

export type EventMode = 'webhook' | 'websocket';

type Json = Record<string, any>;

/** 09:00 in Beijing on `day` (01:00Z): when the scheduled sweep runs. */
export const nineAm = (day: string) => new Date(`${day}T01:00:00Z`);
/** `hh:mm` in Beijing on `day`. */
export const beijing = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);

/** The title a card carries: `交办通知 · 第0001号`. */
export const cardTitle = (m: FakeMessage): string => String((m.body as Json)?.header?.title?.content ?? '');

export async function startClockedWorld(options: { start: Date; eventMode: EventMode; sweepSchedule?: string; env?: Record<string, string> }) {
  const clock: MovableClock = movableClock(options.start);
  const duban = await startDuban(
    {
      DATABASE_PATH: join(tempDir(), 'duban.db'),
      PORT: '0',
      ADMIN_TOKEN,
      LOG_LEVEL: 'silent',
      LARK_EVENT_MODE: options.eventMode,
      // By default the test sweeps each day itself, through the admin API, at 09:00 on the moved clock.
      DUBAN_SCHEDULE: options.sweepSchedule ?? 'off',
      DUBAN_DIGEST_SCHEDULE: 'off',
      ...options.env,
    },
    clock,
    { hostname: '127.0.0.1', outbox: { pollMs: 20 } },
  );
  await duban.longConnection?.whenConnected();
  const sandbox = duban.sandbox!;
  expect(sandbox.fake.clock, 'duban and the sandbox read one clock').toBe(clock);
  expect(duban.runtime.clock).toBe(clock);

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${duban.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  }

  /** Waits until duban's outbox has nothing pending (as GET /api/outbox shows it). */
  async function drain(ms = 20_000): Promise<void> {
    const until = Date.now() + ms;
    for (;;) {
      const pending = (await api('GET', '/api/outbox?status=pending')).body as Json[];
      if (pending.length === 0) return;
      if (Date.now() > until) throw new Error(`outbox not drained: ${JSON.stringify(pending)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The group of suggestion `number`, found in Lark as a person finds it: by its name. */
  function chatOf(number: string): string {
    const chat = sandbox.fake.chats().find((c) => c.name.startsWith(`第${number}号 `));
    if (!chat) throw new Error(`no group for suggestion ${number}`);
    return chat.chatId;
  }

  /** The cards in a group, oldest first, as people see them now. */
  const cardsIn = (chatId: string) => sandbox.fake.messagesIn(chatId).filter((m) => m.msgType === 'interactive');

  /** The newest card titled `title` in the group (with `mentioning` in it, to tell units apart). */
  function newestCard(chatId: string, title: string, mentioning?: string): FakeMessage {
    const card = cardsIn(chatId)
      .filter((m) => cardTitle(m) === title && (!mentioning || JSON.stringify(m.body).includes(mentioning)))
      .at(-1);
    if (!card) throw new Error(`no card «${title}»${mentioning ? ` about ${mentioning}` : ''} in the group`);
    return card;
  }

  /** Days since Lark took the message, on the sandbox's clock. */
  const ageInDays = (m: FakeMessage) => (sandbox.fake.clock().getTime() - m.createTime) / DAY_MS;

  /**
   * Presses the button labelled `label` on `card` as `operator`, filling its form with `fields`
   * (date fields as Lark's date picker sends them), and returns what Lark's client got back.
   * `shown` is the card as the presser's client shows it (by default, as it is now).
   */
  async function pressOn(card: FakeMessage, label: string, operator: string, fields: Record<string, string> = {}, shown: unknown = card.body) {
    const body = shown as Json;
    const ref = collectButtons(body).find((b) => textOf(b.button.text) === label);
    if (!ref) throw new Error(`no button «${label}» on «${cardTitle(card)}»; it has: ${collectButtons(body).map((b) => textOf(b.button.text)).join(', ')}`);
    let formValue: Record<string, unknown> | undefined;
    if (ref.form) {
      formValue = {};
      for (const field of formFields(ref.form)) {
        const name = String(field.name);
        const value = fields[name] ?? '';
        formValue[name] = field.tag === 'date_picker' && value ? `${value} +0800` : value;
      }
      const unknown = Object.keys(fields).filter((k) => !(k in formValue!));
      expect(unknown, `fields not in the form of «${label}»`).toEqual([]);
    }
    return sandbox.events.pressButton({
      chatId: card.chatId,
      messageId: card.messageId,
      operatorOpenId: operator,
      value: buttonValue(ref.button),
      ...(formValue && { formValue }),
      ...(typeof ref.button.name === 'string' && { name: ref.button.name }),
    });
  }

  return {
    clock,
    duban,
    sandbox,
    api,
    drain,
    chatOf,
    cardsIn,
    newestCard,
    ageInDays,
    pressOn,
    async loadDirectory() {
      expect((await api('PUT', '/api/directory', directory)).status).toBe(200);
    },
    /** One sweep at the clock's now, as the schedule would run it. */
    async sweep() {
      const res = await api('POST', '/api/sweep');
      expect(res.status).toBe(200);
      return res.body as Json;
    },
    close: () => duban.close(),
  };
}

export type ClockedWorld = Awaited<ReturnType<typeof startClockedWorld>>;
