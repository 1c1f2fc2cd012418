/**
 * Groups follow the people (SPEC §6), end to end: the real server, the real SDK against the
 * sandbox. A re-assignment swaps the units' staff in the group (keeping whoever is there for
 * another reason), a directory change reaches every open group, a re-import's new co-signer joins,
 * and someone who left a group by hand stays out until what makes them a member changes again.
 * Everything is read as an operator and a person would see it: the admin API and the chat's
 * member list in the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '../src/core/directory.ts';
import { startLarkWorld } from './support/lark-world.ts';
import { deputy, directory as sample, supervisor, unit } from './support/world.ts';

type World = Awaited<ReturnType<typeof startLarkWorld>>;

const jtw = unit('jtw');
const cgj = unit('cgj');
const zjw = unit('zjw');
const jw = unit('jw');
const [d01, d02, d04] = [deputy('d01'), deputy('d02'), deputy('d04')];
const NEW_LIAISON = 'ou_0000000000000000000000000000a001';
const NEW_HEAD = 'ou_0000000000000000000000000000a002';
const NEW_SUPERVISOR = 'ou_0000000000000000000000000000a003';
const LATER_SUPERVISOR = 'ou_0000000000000000000000000000a004';
const LEADER = 'ou_0000000000000000000000000000a005';

/** The sample directory, with jw's liaison also a liaison of cgj: in the group for two reasons. */
function baseDirectory(): Directory {
  const d = structuredClone(sample);
  d.units.find((u) => u.id === 'cgj')!.liaisons.push(jw.liaison);
  return d;
}
const both = jw.liaison;

const row = (number: string, over: Record<string, unknown>) => ({
  session: '市六届人大二次会议',
  number,
  title: `第${number}号 群成员测试`,
  lead_deputy: 'd01',
  co_deputies: ['d02'],
  lead_unit: 'jtw',
  assigned_on: '2026-02-10',
  ...over,
});

describe('the group follows the people', () => {
  let w: World;
  let directory: Directory;

  beforeAll(async () => {
    w = await startLarkWorld();
    directory = baseDirectory();
    await putDirectory(directory);
  });
  afterAll(() => w?.close());

  async function putDirectory(d: Directory) {
    const res = await w.api('PUT', '/api/directory', d);
    expect(res.status).toBe(200);
    await w.drain();
    return res.body as { groupsChanged: number };
  }
  async function importRow(r: Record<string, unknown>): Promise<string> {
    const res = await w.api('POST', '/api/suggestions', r);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await w.drain();
    return res.body.items[0].id;
  }
  const detail = async (id: string) => (await w.api('GET', `/api/suggestions/${id}`)).body;
  const chatOf = async (id: string): Promise<string> => (await detail(id)).group.chatId;
  const members = async (id: string) => [...w.sandbox.fake.chat(await chatOf(id))!.members].sort();
  const sorted = (ids: string[]) => [...new Set(ids)].sort();
  async function leave(id: string, person: string) {
    const res = await fetch(`${w.sandbox.url}/sandbox/chats/${await chatOf(id)}/remove-member`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operator: person }),
    });
    expect(res.status).toBe(200);
    expect(await members(id)).not.toContain(person);
  }
  async function press(messageId: string, label: string, operator: string, form?: Record<string, unknown>) {
    const result = await w.press(messageId, label, operator, form);
    expect(result.toast?.type, `${label}: ${JSON.stringify(result.toast)}`).toBe('success');
    await w.drain();
  }

  let s1: string; // jtw lead, cgj and jw co: re-assigned
  let s2: string; // jtw lead, a leader in charge: directory changes, a member who left
  const everyone = () => [...directory.supervisors];

  it('a new group has the deputies, the live units’ heads and liaisons, the supervisors and the leader in charge', async () => {
    s1 = await importRow(row('0901', { co_units: ['cgj', 'jw'] }));
    s2 = await importRow(row('0902', { key: true, key_leader: LEADER }));
    expect(await members(s1)).toEqual(sorted([d01, d02, jtw.head, ...jtw.liaisons, cgj.head, cgj.liaison, both, jw.head, ...everyone()]));
    expect(await members(s2)).toEqual(sorted([d01, d02, jtw.head, ...jtw.liaisons, ...everyone(), LEADER]));
  });

  it('同意改办: the replaced unit’s head and liaisons leave, unless there for another reason; the new unit’s join', async () => {
    const cgjAssignment = (await detail(s1)).assignments.find((a: { unitId: string }) => a.unitId === 'cgj');
    const [card] = w.cardMessages('assignment', cgjAssignment.id);
    await press(card!, '申请改办', cgj.liaison, { reason: '不属于本单位职责' });
    const [reassignCard] = w.cardsOfKind(s1, 'reassign').map((c) => c.messageId!);
    await press(reassignCard!, '同意改办', supervisor, { unit: 'zjw' });

    const now = await members(s1);
    expect(now).toEqual(sorted([d01, d02, jtw.head, ...jtw.liaisons, both, jw.head, zjw.head, ...zjw.liaisons, ...everyone()]));
    expect(now).not.toContain(cgj.head);
    expect(now).not.toContain(cgj.liaison);
    expect(now, 'jw’s liaison is also cgj’s: still in, for jw').toContain(both);
    // The operator sees both calls in the outbox, sent.
    const sent = (await w.api('GET', '/api/outbox?status=sent')).body as Array<{ suggestionId: string; payload: { kind: string; openIds?: string[] } }>;
    const calls = sent.filter((r) => r.suggestionId === s1 && (r.payload.kind === 'add_members' || r.payload.kind === 'remove_members'));
    expect(calls.map((r) => [r.payload.kind, sorted(r.payload.openIds!)])).toEqual([
      ['add_members', sorted([zjw.head, ...zjw.liaisons])],
      ['remove_members', sorted([cgj.head, cgj.liaison])],
    ]);
  });

  it('a directory change reaches every open group: a liaison and a head replaced, a supervisor added', async () => {
    const [oldLiaison, keptLiaison] = jtw.liaisons as [string, string];
    const jtwUnit = directory.units.find((u) => u.id === 'jtw')!;
    jtwUnit.liaisons = [NEW_LIAISON, keptLiaison];
    jtwUnit.head = NEW_HEAD;
    directory.supervisors = [...directory.supervisors, NEW_SUPERVISOR];
    const loaded = await putDirectory(directory);
    expect(loaded.groupsChanged).toBe(2);

    for (const id of [s1, s2]) {
      const now = await members(id);
      expect(now).toEqual(expect.arrayContaining([NEW_LIAISON, NEW_HEAD, NEW_SUPERVISOR, keptLiaison]));
      expect(now).not.toContain(oldLiaison);
      expect(now).not.toContain(jtw.head);
    }
    expect(await members(s2)).toEqual(sorted([d01, d02, NEW_HEAD, NEW_LIAISON, keptLiaison, ...everyone(), LEADER]));
    // Loading the same directory again changes no group.
    expect((await putDirectory(directory)).groupsChanged).toBe(0);
  });

  it('a re-import with a new co-signer adds that deputy to the group', async () => {
    const res = await w.api('POST', '/api/suggestions', row('0902', { key: true, key_leader: LEADER, co_deputies: ['d02', 'd04'] }));
    expect(res.body.updated).toBe(1);
    await w.drain();
    expect(await members(s2)).toContain(d04);
    expect(await members(s1)).not.toContain(d04);
  });

  it('someone who left by hand is not added back by an unrelated change, only when the directory changes for them again', async () => {
    await leave(s2, d02);
    const keptLiaison = jtw.liaisons[1]!;
    await leave(s2, keptLiaison);

    // An unrelated change: one more supervisor. They join; the two who left stay out.
    directory.supervisors = [...directory.supervisors, LATER_SUPERVISOR];
    await putDirectory(directory);
    let now = await members(s2);
    expect(now).toContain(LATER_SUPERVISOR);
    expect(now).not.toContain(d02);
    expect(now).not.toContain(keptLiaison);
    // Nor does a re-import that changes other deputies bring d02 back.
    await w.api('POST', '/api/suggestions', row('0902', { key: true, key_leader: LEADER, co_deputies: ['d02'] }));
    await w.drain();
    now = await members(s2);
    expect(now).not.toContain(d02);
    expect(now, 'the co-signer dropped on re-import leaves').not.toContain(d04);

    // The directory changes for the liaison: taken off the unit, then put back: they join again.
    const jtwUnit = directory.units.find((u) => u.id === 'jtw')!;
    jtwUnit.liaisons = [NEW_LIAISON];
    await putDirectory(directory);
    jtwUnit.liaisons = [NEW_LIAISON, keptLiaison];
    await putDirectory(directory);
    expect(await members(s2)).toContain(keptLiaison);
    expect(await members(s2)).not.toContain(d02);
  });
});
