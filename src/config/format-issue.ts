// zod issue -> "pfs[0].vfs" and a message that says what was expected.
import type { z } from 'zod';

export function formatIssuePath(issue: z.core.$ZodIssue): string {
  let at = '';
  for (const part of issue.path) {
    at += typeof part === 'number' ? `[${part}]` : at === '' ? String(part) : `.${String(part)}`;
  }
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    at = at === '' ? key : `${at}.${key}`;
  }
  return at === '' ? '(top level)' : at;
}

export function formatIssueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return 'unknown key (a typo?); see the Configuration section of the README';
  return issue.message.replace(/^Invalid input: /, '');
}
