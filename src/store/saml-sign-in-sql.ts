// A SAML sign-in's writes as one statement (see SAML_SIGN_IN): the assertion's first use, the
// directory link, the profile and the login's audit entry with its event.
import type pg from 'pg';
import type { ProfileRecord } from './records.js';
import type { SamlLoginRepository } from './store.js';
import { newId } from './ids.js';
import { prepared } from './prepared.js';
import { auditAndEventsCtes, auditAndEventsValues } from './outbox-order.js';
import { LOGIN_LINK_SQL, loginLinkValues, toLoginLink, type LoginLinkRow } from './directory-sql/login-link.js';
import { PROFILE_COLUMNS, PROFILE_INSERT, PROFILE_REFRESH } from './login-sql.js';

/**
 * One round trip instead of four: the replay record, the directory link, the profile, and (only
 * with the profile) the login's audit entry and event. Data-modifying CTEs all run whatever the outer query reads:
 * the replay record is kept even when the directory refuses (as when these were three
 * statements). The link is read from the statement's snapshot, before the profile is written. Of
 * two concurrent posts of one assertion the second waits on the primary key, inserts nothing,
 * and so writes no profile. $1..$4 are the link's (LOGIN_LINK_SQL).
 */
const SAML_SIGN_IN = `
  WITH link AS (${LOGIN_LINK_SQL}),
  used AS (
    INSERT INTO saml_assertion_uses (connection_id, assertion_id, expires_at) VALUES ($4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1),
  saved AS (
    ${PROFILE_INSERT}
    SELECT $7::text, $1::text, $4::text, $8::text, $2::text, $9::text, $10::boolean, $11::text, $12::text, $13::text, $14::text[], $15::text[], $16::jsonb, $17::jsonb,
           l.id, $18::timestamptz, $18::timestamptz
      FROM link l, used
     -- directoryUserOf: an active matching user, or no user and no earlier link.
     WHERE (l.id IS NOT NULL AND l.active IS TRUE) OR (l.id IS NULL AND l.previous IS NULL)
    ${PROFILE_REFRESH}
    RETURNING ${PROFILE_COLUMNS}),
  ${auditAndEventsCtes(19, {
    gate: 'saved',
    // The written profile's id; the parameter holds the provisional one.
    actorId: (param) => `COALESCE(saved.id, ${param})`,
    eventData: `jsonb_set(jsonb_set(e.data, '{profile,id}', to_jsonb((SELECT id FROM saved))),
                          '{profile,directory_user_id}', COALESCE(to_jsonb((SELECT "directoryUserId" FROM saved)), 'null'::jsonb))`,
  })}
  SELECT EXISTS (SELECT 1 FROM used) AS fresh, l.previous AS "linkPrevious", l.id AS "linkUserId", l.active AS "linkActive", l.groups AS "linkGroups", s.*
    FROM link l LEFT JOIN saved s ON true`;

interface SamlSignInRow extends Partial<ProfileRecord> {
  fresh: boolean;
  linkPrevious: string | null;
  linkUserId: string | null;
  linkActive: boolean | null;
  linkGroups: string[] | null;
}

/** `appended`: told after a sign-in that wrote its event commits (the relay's nudge). */
export function samlLoginSql(pool: pg.Pool, appended: () => void): SamlLoginRepository {
  return {
    async recordLogin(identity, use, p, at, record) {
      const values = [
        ...loginLinkValues(identity), use.assertionId, use.expiresAt,
        newId('prof'), p.connectionType, p.email, p.emailVerified, p.firstName, p.lastName, p.name, p.groups, p.roles, JSON.stringify(p.customAttributes), JSON.stringify(p.rawAttributes), at,
        ...auditAndEventsValues([record.event], record.audit),
      ];
      const { rows } = await pool.query<SamlSignInRow>(prepared(SAML_SIGN_IN, values));
      if (rows[0]?.id) appended();
      const { fresh, linkPrevious, linkUserId, linkActive, linkGroups, ...profile } = rows[0]!;
      const link = toLoginLink({ previous: linkPrevious, id: linkUserId, active: linkActive, groups: linkGroups } satisfies LoginLinkRow);
      return { fresh, link, profile: profile.id ? (profile as ProfileRecord) : undefined };
    },
  };
}
