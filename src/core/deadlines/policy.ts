/**
 * A deadline policy (SPEC §4): the time limits of one locality, as a data file with its sources
 * cited inside. The built-in default follows the national law and the Chongqing 2017 regulation.
 */
import { z } from 'zod';
import beijingPolicyJson from './policies/beijing.json' with { type: 'json' };
import chongqingPolicyJson from './policies/chongqing.json' with { type: 'json' };
import defaultPolicyJson from './policies/default.json' with { type: 'json' };
import shanghaiPolicyJson from './policies/shanghai.json' with { type: 'json' };
import chengduPolicyJson from './policies/chengdu.json' with { type: 'json' };
import wuchangPolicyJson from './policies/wuchang.json' with { type: 'json' };
import { describeIssues } from '../zod-issues.ts';

const count = z.number().int().min(0);
const rule = z.union([
  z.object({ workingDays: count }).strict(),
  z.object({ months: count }).strict(),
  z.object({ days: count }).strict(),
]);

export const DEADLINE_KINDS = [
  'sign',
  'reassign_window',
  'first_contact',
  'co_opinion',
  'answer',
  'evaluation',
  'rehandle_answer',
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number] | 'commitment';

export const policySchema = z.object({
  id: z.string().min(1),
  name: z.object({ zh_cn: z.string(), en_us: z.string() }),
  sources: z.array(z.string()).min(1, 'a policy must cite its sources'),
  deadlines: z.object({
    sign: rule,
    reassign_window: rule,
    first_contact: rule,
    co_opinion: rule,
    answer: rule,
    /** The longest an answer may be extended to (SPEC §4: 6 months), counted from assignment. */
    answer_max: rule,
    evaluation: rule,
    rehandle_answer: rule,
  }),
  reminders: z.object({
    noticeDaysBefore: count,
    escalateAfterWorkingDays: count,
    escalate2AfterWorkingDays: count,
    urgentSms: z.boolean(),
    /** Send reminders on rest days too (normally the sweep sends nothing on a non-working day). */
    onRestDays: z.boolean().default(false),
  }),
  /**
   * A Lark card can be pressed or updated for 14 days after it was sent (SPEC §4): the sweep
   * re-posts a card that is still needed once it is this old. At most 12: with one sweep a day a
   * card is re-posted between this age and a day later, and the old card must still take the
   * update that points to the new one.
   */
  cards: z.object({ refreshAfterDays: z.number().int().min(1).max(12) }).strict().default({ refreshAfterDays: 12 }),
  /** `supervisor`: the head's approval waits for a supervisor's 复核 before the deputy sees the answer (SPEC §3). */
  answerReview: z.enum(['off', 'supervisor']).default('off'),
  /**
   * Commitment follow-up (SPEC §4; src/core/deadlines/follow-up.ts): a 承诺进展 card every
   * `commitmentMonths` months for each open commitment (2 in `wuchang`, its ledger cycle). null: off,
   * as in the default policy, like the rhythm: a locality's practice, not the law's.
   */
  followUp: z
    .object({ commitmentMonths: z.number().int().min(1).max(12).default(2) })
    .strict()
    .nullable()
    .default(null),
  /**
   * The handling rhythm (SPEC §4, the Chongqing "1171" practice; src/core/deadlines/rhythm.ts):
   * weekly progress prompts while the answer is open, the internal draft date (`draftDays` after
   * assignment, null for none) and daily warnings in the answer's last week. null: off.
   */
  rhythm: z
    .object({ weeklyPrompt: z.boolean(), draftDays: count.nullable(), lastWeekDailies: z.boolean() })
    .strict()
    .nullable()
    .default(null),
  /**
   * How the handling report prints percentages (SPEC §10): 1 or 2 decimals, and whether the
   * breakdowns of one whole (A/B/C/D, the grades) are forced to add up to 100% (Chongqing 2024)
   * or each rounded plainly (Chengdu 2023, Wuchang 2023).
   */
  report: z
    .object({ percentDecimals: z.union([z.literal(1), z.literal(2)]), sharesSumTo100: z.boolean() })
    .strict()
    .default({ percentDecimals: 1, sharesSumTo100: true }),
  /**
   * `weekly`: on the week's first working day the sweep sends each person their 我的待办 list in
   * the bot's private chat (one message per person, none when the list is empty); `off`: only on
   * request (SPEC §5).
   */
  personalDigest: z.enum(['weekly', 'off']).default('off'),
});

export type Policy = z.infer<typeof policySchema>;

export class PolicyError extends Error {}

/** The built-in profiles as written, for a policy file that `"extends"` one of them (SPEC §4). */
const BUILT_IN_DOCUMENTS: Record<string, unknown> = {
  default: defaultPolicyJson,
  chongqing: chongqingPolicyJson,
  shanghai: shanghaiPolicyJson,
  beijing: beijingPolicyJson,
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` on top of `base`, object by object; arrays and values in `over` replace those in `base`. */
function overlay(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  // A deadline rule is one of { workingDays } | { months } | { days }: given, it replaces the base's.
  if (['workingDays', 'months', 'days'].some((k) => k in over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = key in base ? overlay(base[key], value) : value;
  return out;
}

/**
 * A policy document, which may name a built-in profile in `"extends"` and give only the keys it
 * changes (`{ "extends": "chongqing", "answerReview": "supervisor" }`); the result is checked whole.
 */
export function parsePolicy(data: unknown, origin: string): Policy {
  if (isPlainObject(data) && 'extends' in data) {
    const { extends: name, ...changes } = data;
    const base = typeof name === 'string' ? BUILT_IN_DOCUMENTS[name] : undefined;
    if (!base) {
      throw new PolicyError(`The policy ${origin} is invalid:\n  extends: ${JSON.stringify(name)} is not a built-in profile (${Object.keys(BUILT_IN_DOCUMENTS).join(', ')})`);
    }
    data = overlay(base, changes);
  }
  const result = policySchema.safeParse(data);
  if (!result.success) throw new PolicyError(`The policy ${origin} is invalid:\n  ${describeIssues(result.error).join('\n  ')}`);
  return result.data;
}

export const defaultPolicy: Policy = parsePolicy(defaultPolicyJson, 'src/core/deadlines/policies/default.json');

/** The profiles that ship with duban (domain/REFERENCE.md §2), chosen by name in DUBAN_POLICY. */
export const BUILT_IN_POLICIES: Record<string, Policy> = {
  default: defaultPolicy,
  chongqing: parsePolicy(chongqingPolicyJson, 'src/core/deadlines/policies/chongqing.json'),
  shanghai: parsePolicy(shanghaiPolicyJson, 'src/core/deadlines/policies/shanghai.json'),
  beijing: parsePolicy(beijingPolicyJson, 'src/core/deadlines/policies/beijing.json'),
  chengdu: parsePolicy(chengduPolicyJson, 'src/core/deadlines/policies/chengdu.json'),
  wuchang: parsePolicy(wuchangPolicyJson, 'src/core/deadlines/policies/wuchang.json'),
};

export const DEADLINE_LABELS: Record<DeadlineKind, { zh_cn: string; en_us: string }> = {
  sign: { zh_cn: '签收', en_us: 'sign for' },
  reassign_window: { zh_cn: '申请改办期限', en_us: 're-assignment request window' },
  first_contact: { zh_cn: '首次联系代表', en_us: 'first contact with the deputy' },
  co_opinion: { zh_cn: '协办意见', en_us: 'co-handler opinion' },
  answer: { zh_cn: '答复', en_us: 'answer' },
  evaluation: { zh_cn: '代表评价', en_us: "deputy's evaluation" },
  rehandle_answer: { zh_cn: '重新办理答复', en_us: 're-handled answer' },
  commitment: { zh_cn: '承诺事项', en_us: 'commitment' },
};
