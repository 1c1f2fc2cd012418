/** The directory (SPEC §8): units with their staff, deputies, supervisors, loaded idempotently. */
import { loadDirectory as store, type DirectoryLoadResult } from '../adapters/sqlite/directory-store.ts';
import type { Directory } from '../core/directory.ts';
import type { AppContext } from './context.ts';

export type { DirectoryLoadResult };

export function loadDirectory(ctx: Pick<AppContext, 'db'>, directory: Directory): DirectoryLoadResult {
  return store(ctx.db, directory);
}
