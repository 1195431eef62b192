import type { z } from 'zod';
import { describeIssues } from '../../shared/errors.js';
import { HttpError } from './http-error.js';

/** Parses a request part with its shared schema, or throws a 400 naming every bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = describeIssues(result.error);
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new HttpError(400, 'validation-failed', `Invalid ${what}: ${summary}`, issues);
  }
  return result.data;
}
