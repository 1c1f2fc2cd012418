/** The people of the directory, named for the sandbox UI's "act as" list. */
import * as schema from '../../adapters/sqlite/schema.ts';
import type { NodeDb } from './open-database.ts';
import type { SandboxPerson } from '../../sandbox/sandbox-state.ts';

export function sandboxPeople(db: NodeDb): SandboxPerson[] {
  const people = new Map<string, SandboxPerson>();
  const add = (openId: string, name: string, role: string) => {
    const p = people.get(openId) ?? { openId, name, roles: [] };
    p.roles!.push(role);
    people.set(openId, p);
  };
  const units = new Map(db.select().from(schema.units).all().map((u) => [u.id, u.name]));
  for (const d of db.select().from(schema.deputies).all()) add(d.openId, `${d.name}（代表）`, 'deputy');
  for (const m of db.select().from(schema.unitMembers).all()) {
    add(m.openId, `${units.get(m.unitId) ?? m.unitId}${m.role === 'head' ? '负责人' : '联络员'}`, m.role);
  }
  db.select()
    .from(schema.supervisors)
    .all()
    .forEach((s, i) => add(s.openId, `督办人员 ${i + 1}`, 'supervisor'));
  for (const l of db.select().from(schema.leaders).all()) add(l.openId, `${l.name}（${l.title || '督办领导'}）`, 'leader');
  return [...people.values()];
}
