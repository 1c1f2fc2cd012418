/**
 * Store contract cases for the groups (SPEC §6): the directory facts the membership rule reads,
 * the member calls queued as diffs (re-assignment, directory changes, which groups still follow
 * their people), and a lost group recorded once with its calls failed and the supervisors told.
 * Part of STORE_CASES (store-cases.ts): run on both drivers.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { loadAggregate } from '../../src/adapters/sqlite/aggregate-store.ts';
import { auditOfSuggestion } from '../../src/adapters/sqlite/audit-store.ts';
import { groupOfChat, groupOfSuggestion, markGroupBack, markGroupLost, recordChat } from '../../src/adapters/sqlite/chat-store.ts';
import type { SqliteDb } from '../../src/adapters/sqlite/db.ts';
import { loadDirectory, readDirectoryFacts } from '../../src/adapters/sqlite/directory-store.ts';
import { recordGroupBack, recordGroupLoss } from '../../src/adapters/sqlite/group-loss-store.ts';
import { followDirectoryChange, followPeopleChange, initialMembers, queueMemberChanges } from '../../src/adapters/sqlite/group-membership.ts';
import { failQueuedCallsToChat, listOutbox } from '../../src/adapters/sqlite/outbox-store.ts';
import { outboxWriter } from '../../src/adapters/sqlite/outbox-writer.ts';
import * as schema from '../../src/adapters/sqlite/schema.ts';
import type { DirectoryFacts } from '../../src/core/group-members.ts';
import { returning, roles, seed, type CaseWorld, type StoreCase } from './case-kit.ts';

const NEW_LIAISON = 'ou_0000000000000000000000000000c001';
const NEW_SUPERVISOR = 'ou_0000000000000000000000000000c002';

/** The member calls queued since `afterSeq`, per suggestion label, people by role. */
function memberCalls(db: SqliteDb, world: CaseWorld, label: (id: string | null) => string | null, afterSeq: number) {
  const who = roles(world.directory);
  const name = (id: string) => (id === NEW_LIAISON ? 'new.liaison' : id === NEW_SUPERVISOR ? 'new.supervisor' : who(id));
  return db
    .select()
    .from(schema.outbox)
    .where(sql`${schema.outbox.seq} > ${afterSeq}`)
    .orderBy(asc(schema.outbox.seq))
    .all()
    .map((r) => {
      const p = r.payload as { kind: string; openIds?: string[] };
      return `${label(r.suggestionId)} ${p.kind} ${(p.openIds ?? []).map(name).join(',')}`;
    });
}
const lastSeq = (db: SqliteDb) => db.select({ seq: sql<number>`coalesce(max(${schema.outbox.seq}), 0)` }).from(schema.outbox).get()!.seq;

const staffOf = (facts: DirectoryFacts, who: (id: string) => string, unitId: string) => {
  const staff = facts.unitStaff.get(unitId);
  return staff ? { head: staff.head.map(who), liaisons: staff.liaisons.map(who) } : null;
};

export const GROUP_CASES: StoreCase[] = [
  returning(
    'directory-store: who is who as the group rule reads it, all or only what is named; onChange only when it changed',
    (db, world) => {
      const changes: string[] = [];
      const load = (d: typeof world.directory) => loadDirectory(db, d, (_tx, before, after) => changes.push(`${before.supervisors.length}->${after.supervisors.length}`));
      load(world.directory);
      const who = roles(world.directory);
      const all = readDirectoryFacts(db);
      const only = readDirectoryFacts(db, { unitIds: ['jtw', 'jtw', 'nope'], deputyIds: ['d01'] });
      const calls = [changes.length];
      load(world.directory); // the same again
      calls.push(changes.length);
      const renamed = structuredClone(world.directory);
      renamed.units[0]!.name = '改名后的单位';
      load(renamed); // a name is not who is who
      calls.push(changes.length);
      const more = structuredClone(renamed);
      more.supervisors.push(NEW_SUPERVISOR);
      load(more);
      calls.push(changes.length);
      return {
        all: { units: all.unitStaff.size, jtw: staffOf(all, who, 'jtw'), supervisors: all.supervisors.length, deputies: all.deputyOpenIds.size, d01: who(all.deputyOpenIds.get('d01')!) },
        only: { units: [...only.unitStaff.keys()], jtw: staffOf(only, who, 'jtw'), deputies: [...only.deputyOpenIds.keys()], supervisors: only.supervisors.length },
        calls,
        changes,
      };
    },
    {
      all: { units: 12, jtw: { head: ['jtw.head'], liaisons: ['jtw.liaison1', 'jtw.liaison2'] }, supervisors: 3, deputies: 20, d01: 'd01' },
      only: { units: ['jtw'], jtw: { head: ['jtw.head'], liaisons: ['jtw.liaison1', 'jtw.liaison2'] }, deputies: ['d01'], supervisors: 3 },
      calls: [1, 1, 1, 2],
      changes: ['0->3', '3->4'],
    },
  ),

  returning(
    'group-membership: the group rule at creation, a re-assignment as a diff, calls of at most 50 people',
    (db, world) => {
      const { id, label } = seed(db, world, ['0001']);
      const who = roles(world.directory);
      const before = loadAggregate(db, id('0001'))!;
      const initial = initialMembers(db, before).map(who);
      // cgj replaced by zjw, as an approved re-assignment leaves the aggregate.
      const after = structuredClone(before);
      const cgj = after.assignments.find((a) => a.unitId === 'cgj')!;
      cgj.state = 'withdrawn';
      after.assignments.push({ ...cgj, id: 'as_new', unitId: 'zjw', state: 'pending_sign', replacesAssignmentId: cgj.id });
      const seq = lastSeq(db);
      db.transaction((tx) => followPeopleChange(tx, before, after, world.now));
      const reassigned = memberCalls(db, world, label, seq);
      const seq2 = lastSeq(db);
      const many = Array.from({ length: 120 }, (_, i) => `ou_${String(i).padStart(32, '0')}`);
      queueMemberChanges(db, id('0001'), { add: many, remove: ['ou_x'] }, world.now);
      const sizes = listOutbox(db)
        .filter((r) => r.seq > seq2)
        .map((r) => `${r.kind}:${(r.payload as { openIds: string[] }).openIds.length}`);
      return { initial, reassigned, sizes };
    },
    {
      initial: ['d01', 'd02', 'd03', 'jtw.head', 'cgj.head', 'jtw.liaison1', 'jtw.liaison2', 'cgj.liaison1', 'supervisor1', 'supervisor2', 'supervisor3'],
      reassigned: ['sg#1 add_members zjw.head,zjw.liaison1,zjw.liaison2', 'sg#1 remove_members cgj.head,cgj.liaison1'],
      sizes: ['add_members:50', 'add_members:50', 'add_members:20', 'remove_members:1'],
    },
  ),

  returning(
    'group-membership: a directory change reaches open groups and closed ones with a commitment still tracked, not withdrawn or finished ones',
    (db, world) => {
      const { id, label } = seed(db, world, ['0001', '0002', '0006', '0025']);
      const s = schema.suggestions;
      // 0002 closed with a confirmed commitment; 0006 withdrawn; 0025 (jtw) closed, nothing left.
      const a2 = loadAggregate(db, id('0002'))!.assignments[0]!;
      db.update(s).set({ status: 'closed' }).where(eq(s.id, id('0002'))).run();
      db.insert(schema.answers)
        .values({ id: 'an_1', suggestionId: id('0002'), assignmentId: a2.id, round: 1, resultClass: 'B', summary: '列入计划', public: true, status: 'approved', submittedBy: 'x', submittedAt: world.now.toISOString() })
        .run();
      db.insert(schema.commitments).values({ id: 'cm_1', suggestionId: id('0002'), assignmentId: a2.id, answerId: 'an_1', content: '年内完成', dueOn: '2026-12-31', state: 'confirmed' }).run();
      db.update(s).set({ status: 'withdrawn' }).where(eq(s.id, id('0006'))).run();
      db.update(s).set({ status: 'closed' }).where(eq(s.id, id('0025'))).run();

      const changed = structuredClone(world.directory);
      const jtw = changed.units.find((u) => u.id === 'jtw')!;
      jtw.liaisons = [NEW_LIAISON, jtw.liaisons[1]!];
      changed.supervisors.push(NEW_SUPERVISOR);
      const seq = lastSeq(db);
      let groups = -1;
      loadDirectory(db, changed, (tx, before, after) => {
        groups = followDirectoryChange(tx, before, after, world.now);
      });
      return { groups, calls: memberCalls(db, world, label, seq) };
    },
    {
      groups: 2,
      calls: ['sg#1 add_members new.liaison,new.supervisor', 'sg#1 remove_members jtw.liaison1', 'sg#2 add_members new.supervisor'],
    },
  ),

  returning(
    'group-loss-store: a lost group is recorded once, its queued calls fail, the supervisors are told, the timeline says so; the bot back clears it, a disbanded one stays lost',
    (db, world) => {
      const { id, label } = seed(db, world, ['0001', '0002']);
      const who = roles(world.directory);
      const at = world.now.toISOString();
      recordChat(db, id('0001'), 'oc_1', world.now);
      recordChat(db, id('0002'), 'oc_2', world.now);
      const outbox = outboxWriter(db);
      outbox.enqueue(id('0001'), { kind: 'send_text', chatId: 'oc_supervisors', text: '给督办人员' }, world.now);
      outbox.enqueue(null, { kind: 'send_text', chatId: 'oc_1', text: '点名本群' }, world.now);
      const head = world.directory.units.find((u) => u.id === 'jtw')!.head;
      const lose = (chatId: string) =>
        db.transaction((tx) =>
          recordGroupLoss(tx, { chatId, reason: 'bot_removed', at, by: head, source: 'lark', cause: { eventId: 'ev_1' }, supervisorChatId: 'oc_supervisors' }),
        );
      const first = lose('oc_1');
      const outcomes = [first.outcome, lose('oc_1').outcome, lose('oc_unknown').outcome];
      const rows = listOutbox(db).map((r) => {
        const p = r.payload as { kind: string; chatId?: string; text?: string };
        return `${label(r.suggestionId)} ${p.kind}${p.chatId ? `→${p.chatId}` : ''} ${r.status}${r.lastError ? `: ${r.lastError.split(';')[0]}` : ''}`;
      });
      const lost = groupOfSuggestion(db, id('0001'))!.lost;
      const entry = auditOfSuggestion(db, id('0001')).at(-1)!;
      const notice = listOutbox(db).at(-1)!.payload as { chatId: string; text: string };
      const back = db.transaction((tx) => recordGroupBack(tx, { chatId: 'oc_1', by: head, at, eventId: 'ev_2' }));
      const disbanded = markGroupLost(db, 'oc_2', { reason: 'disbanded', at, by: 'lark:232009' });
      return {
        outcomes,
        failed: first.outcome === 'recorded' ? first.failedCalls.length : null,
        rows,
        lost: lost && { ...lost, by: who(lost.by) },
        audit: { action: entry.action, actor: who(entry.actor), source: entry.source, subject: `${entry.subjectType}:${entry.subjectId}`, message: entry.message, details: entry.details },
        notice: { chatId: notice.chatId, starts: notice.text.slice(0, 6), names: notice.text.includes('第0001号') },
        back: back && label(back.suggestionId),
        afterBack: groupOfChat(db, 'oc_1')!.lost,
        backAgain: db.transaction((tx) => recordGroupBack(tx, { chatId: 'oc_1', by: head, at, eventId: 'ev_3' })) ?? null,
        disbanded: [disbanded, markGroupBack(db, 'oc_2'), groupOfChat(db, 'oc_2')!.lost?.reason],
        nothingLeft: failQueuedCallsToChat(db, id('0001'), 'oc_1', 'again').length,
      };
    },
    {
      outcomes: ['recorded', 'already_lost', 'unknown_chat'],
      failed: 4,
      rows: [
        'sg#1 create_chat pending',
        'sg#1 send_card failed: group lost: the bot was removed from the group (ou_058147fa646dd791bb1efec68f22b0b0, 2026-02-10T01:00:00.000Z)',
        'sg#1 send_card failed: group lost: the bot was removed from the group (ou_058147fa646dd791bb1efec68f22b0b0, 2026-02-10T01:00:00.000Z)',
        'sg#1 send_card failed: group lost: the bot was removed from the group (ou_058147fa646dd791bb1efec68f22b0b0, 2026-02-10T01:00:00.000Z)',
        'sg#2 create_chat pending',
        'sg#2 send_card pending',
        'sg#2 send_card pending',
        'sg#1 send_text→oc_supervisors pending',
        'null send_text→oc_1 failed: group lost: the bot was removed from the group (ou_058147fa646dd791bb1efec68f22b0b0, 2026-02-10T01:00:00.000Z)',
        'sg#1 send_text→oc_supervisors pending',
      ],
      lost: { reason: 'bot_removed', at: '2026-02-10T01:00:00.000Z', by: 'jtw.head' },
      audit: { action: 'group_bot_removed', actor: 'jtw.head', source: 'lark', subject: 'chat:oc_1', message: '机器人已被移出群聊', details: { eventId: 'ev_1', failedCalls: 4 } },
      notice: { chatId: 'oc_supervisors', starts: '【群组失联】', names: true },
      back: 'sg#1',
      afterBack: null,
      backAgain: null,
      disbanded: [true, false, 'disbanded'],
      nothingLeft: 0,
    },
  ),
];
