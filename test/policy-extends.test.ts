/** A policy file that names a built-in profile in "extends" and gives only what it changes (SPEC §4). */
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../src/app/compose-context.ts';
import { BUILT_IN_POLICIES } from '../src/core/deadlines/policy.ts';

const inline = (json: string) => resolvePolicy(json, (value) => JSON.parse(value));

describe('DUBAN_POLICY with "extends"', () => {
  it('takes the profile and changes only the keys given', () => {
    const policy = inline('{ "extends": "chongqing", "answerReview": "supervisor" }');
    expect(policy.answerReview).toBe('supervisor');
    expect(policy.deadlines).toEqual(BUILT_IN_POLICIES.chongqing!.deadlines);
    expect(policy.id).toBe(BUILT_IN_POLICIES.chongqing!.id);
    expect(BUILT_IN_POLICIES.default!.answerReview).toBe('off');
  });

  it('a deadline rule given replaces the profile’s, and nested keys merge', () => {
    const policy = inline('{ "extends": "default", "deadlines": { "sign": { "days": 3 } }, "reminders": { "noticeDaysBefore": 5 } }');
    expect(policy.deadlines.sign).toEqual({ days: 3 });
    expect(policy.deadlines.answer).toEqual(BUILT_IN_POLICIES.default!.deadlines.answer);
    expect(policy.reminders.noticeDaysBefore).toBe(5);
    expect(policy.reminders.escalateAfterWorkingDays).toBe(BUILT_IN_POLICIES.default!.reminders.escalateAfterWorkingDays);
  });

  it('refuses an unknown profile or a bad value, naming it', () => {
    expect(() => inline('{ "extends": "atlantis" }')).toThrow(/extends: "atlantis" is not a built-in profile/);
    expect(() => inline('{ "extends": "default", "answerReview": "deputy" }')).toThrow(/answerReview/);
  });
});
