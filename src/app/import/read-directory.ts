/** Parses a directory file (YAML or JSON: YAML is a superset) and validates it (SPEC §8). */
import { parse as parseYaml } from 'yaml';
import { directorySchema, type Directory } from '../../core/directory.ts';
import { describeIssues } from '../../core/zod-issues.ts';

export class DirectoryFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`The directory is invalid:\n  ${problems.join('\n  ')}`);
  }
}

export function parseDirectory(text: string): Directory {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new DirectoryFileError([`cannot be parsed as YAML or JSON: ${(error as Error).message}`]);
  }
  return validateDirectory(data);
}

export function validateDirectory(data: unknown): Directory {
  const result = directorySchema.safeParse(data ?? {});
  if (!result.success) throw new DirectoryFileError(describeIssues(result.error));
  return result.data;
}
