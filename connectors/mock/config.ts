// The mock connection's config: a fixed list of users the test IdP offers, and the secret that
// signs its tokens. Strict so a typo (`signingSecret`) is an error, not a silently ignored field.
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const user = z.strictObject({
  id: text(256),
  // Deliberately looser than RFC 5322: the mock exists to feed the core odd but plausible input.
  email: text(320).regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address (local@domain)'),
  first_name: text(256).optional(),
  last_name: text(256).optional(),
  groups: z.array(text(256)).max(100, 'must list at most 100 groups').default([]),
  /** Defaults to true so dev logins link by email; set false to exercise the unverified path. */
  email_verified: z.boolean().default(true),
});

export const mockConfigSchema = z.strictObject({
  users: z
    .array(user)
    .min(1, 'must list at least one user')
    .max(50, 'must list at most 50 users')
    .superRefine((users, ctx) => {
      const seen = new Set<string>();
      users.forEach((u, index) => {
        if (seen.has(u.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate user id "${u.id}"` });
        seen.add(u.id);
      });
    }),
  signing_secret: z.string().min(32, 'must be at least 32 characters (openssl rand -base64 32)'),
});

export type MockConfig = z.output<typeof mockConfigSchema>;
export type MockUser = MockConfig['users'][number];
