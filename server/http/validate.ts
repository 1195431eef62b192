import type { z } from 'zod';
import { describeIssues } from '../../shared/errors.js';
import { walkJson } from '../../shared/json-walk.js';
import { HttpError } from './http-error.js';

/**
 * Parses a request part with its shared schema, or throws a 400 naming every bad field.
 * Strings and keys holding NUL are refused first, whatever the schema: PostgreSQL
 * cannot store or compare text with NUL (it answered 500 where SQLite answered 404),
 * and no field of the API has a use for it.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const nul = walkJson(value, ({ value: node, key }) =>
    (typeof node === 'string' && node.includes('\u0000')) || (typeof key === 'string' && key.includes('\u0000'))
      ? 'must not contain the NUL character (\\u0000)'
      : undefined,
  );
  if (nul) {
    const path = nul.path.map(String).join('.') || '(body)';
    throw new HttpError(400, 'validation-failed', `Invalid ${what}: ${path}: ${nul.message}`, [{ path, message: nul.message }]);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = describeIssues(result.error);
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new HttpError(400, 'validation-failed', `Invalid ${what}: ${summary}`, issues);
  }
  return result.data;
}
