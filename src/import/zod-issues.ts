import type { z } from 'zod';

/** One line per problem, naming where it is: `units.3.head: must be a Lark open_id (ou_…)`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}
