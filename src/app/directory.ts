/**
 * The directory (SPEC §8): units with their staff, deputies, supervisors, loaded idempotently.
 * When who is who changes, every group that still follows its people (src/core/group-members.ts)
 * gets the difference in the same transaction: a new liaison or head joins, a replaced one
 * leaves, a new supervisor joins every such group, a removed one leaves it.
 */
import { loadDirectory as store, type DirectoryLoadResult } from '../adapters/sqlite/directory-store.ts';
import { followDirectoryChange } from '../adapters/sqlite/group-membership.ts';
import type { Directory } from '../core/directory.ts';
import type { AppContext } from './context.ts';

export type { DirectoryLoadResult };

export function loadDirectory(ctx: Pick<AppContext, 'db' | 'clock'>, directory: Directory): DirectoryLoadResult & { groupsChanged: number } {
  let groupsChanged = 0;
  const result = store(ctx.db, directory, (tx, before, after) => {
    groupsChanged = followDirectoryChange(tx, before, after, ctx.clock());
  });
  return { ...result, groupsChanged };
}
