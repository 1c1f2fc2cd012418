/**
 * The leader in charge of a key-supervised suggestion (督办领导, SPEC §1, §8). The directory may
 * list leaders (`leaders: [{ id, name, open_id, title }]`); the 督办领导 column names one by id
 * (or by open_id, or by a name no other leader has, alone or with the title — 陈建华, 常务副市长
 * 陈建华, 陈建华（常务副市长）: office spreadsheets write the name), or gives
 * a Lark open_id, or free text as before (kept and shown as written). One rule reads the
 * column everywhere: who joins the group, who is @-mentioned on escalations, what cards, the
 * digest, the report and the API show.
 */

export interface Leader {
  id: string;
  name: string;
  openId: string;
  title: string | null;
}

export interface LeaderInCharge {
  /** The directory's leader the column names (by id or by open_id), if any. */
  leader: Leader | null;
  /** Who receives the leader's group membership and mentions: the directory's, or an open_id written in the column. */
  openId: string | null;
  /** What people read: 姓名（职务）, or the column's text as written. */
  label: string;
}

import { OPEN_ID } from './directory.ts';

/** A leader as people read them: 姓名（职务）. */
export const leaderLabel = (l: Leader): string => (l.title ? `${l.name}（${l.title}）` : l.name);

/** The 督办领导 column resolved against the directory's leaders; null when it is empty. */
export function leaderInCharge(keyLeader: string | null | undefined, leaders: ReadonlyMap<string, Leader>): LeaderInCharge | null {
  const text = keyLeader?.trim() ?? '';
  if (!text) return null;
  const all = [...leaders.values()];
  const written = text.replace(/\s+/g, '');
  const byName = all.filter((l) => writtenForms(l).includes(written));
  const leader = leaders.get(text) ?? all.find((l) => l.openId === text) ?? (byName.length === 1 ? byName[0]! : null);
  if (leader) return { leader, openId: leader.openId, label: leaderLabel(leader) };
  return { leader: null, openId: OPEN_ID.test(text) ? text : null, label: text };
}

/** The ways a spreadsheet writes a leader by hand, spaces left out. */
function writtenForms(l: Leader): string[] {
  const name = l.name.replace(/\s+/g, '');
  const title = l.title?.replace(/\s+/g, '') ?? '';
  return title ? [name, `${title}${name}`, `${name}${title}`, `${name}（${title}）`, `${name}(${title})`] : [name];
}
