/**
 * The directory format of SPEC §8, validated. Used by `PUT /api/directory` (JSON) and
 * `duban import directory <file.json|file.yaml>`.
 */
import { z } from 'zod';

/** What a Lark open_id looks like: the directory checks it, and a mention is written only for one. */
export const OPEN_ID = /^ou_[A-Za-z0-9_-]+$/;

const openId = z.string().trim().regex(OPEN_ID, 'must be a Lark open_id (ou_…)');
const id = z.string().trim().min(1, 'must not be empty').max(64).regex(/^[^\s,;、，；]+$/, 'must not contain spaces or list separators');
const name = z.string().trim().min(1, 'must not be empty');

export const directorySchema = z
  .object({
    units: z
      .array(
        z.object({
          id,
          name,
          head: openId,
          liaisons: z.array(openId).min(1, 'a unit needs at least one liaison'),
        }),
      )
      .default([]),
    deputies: z
      .array(
        z.object({
          id,
          name,
          open_id: openId,
          delegation: z.string().trim().optional(),
        }),
      )
      .default([]),
    supervisors: z.array(openId).default([]),
    /** The leaders in charge of key-supervised suggestions (督办领导), named by id in the 督办领导 column. */
    leaders: z
      .array(
        z.object({
          id,
          name,
          open_id: openId,
          title: z.string().trim().optional(),
        }),
      )
      .default([]),
  })
  .superRefine((d, ctx) => {
    const seen = (list: Array<{ id: string }>, path: string) => {
      const ids = new Set<string>();
      list.forEach((item, i) => {
        if (ids.has(item.id)) ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `duplicate id ${item.id}` });
        ids.add(item.id);
      });
    };
    seen(d.units, 'units');
    seen(d.deputies, 'deputies');
    seen(d.leaders, 'leaders');
  });

export type Directory = z.infer<typeof directorySchema>;
