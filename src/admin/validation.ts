// Admin payloads are hostile input: parsed with zod, unknown fields refused, every problem listed.
import type { z } from 'zod';
import { InvalidRequest } from '../errors.js';

/** `prefix` places the issues of a nested document (e.g. `config`) within the request body. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request body', prefix: string[] = []): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: [...prefix, ...i.path.map(String)].join('.') || '(root)', message: i.message }));
  throw new InvalidRequest(`Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
    code: 'validation_failed',
    issues,
  });
}
