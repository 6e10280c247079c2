// Directory users seen from the sign-in side: which SCIM user a login is, and whether that user
// may still sign in. One organization's directories only.
import type { DirectoryReads, LoginIdentity, LoginLink } from '../directory-data.js';
import { rows, type Queryable } from './rows.js';

const GROUP_NAMES = `ARRAY(SELECT g.resource->>'displayName' FROM directory_memberships m JOIN directory_groups g ON g.id = m.group_id
                            WHERE m.user_id = u.id ORDER BY 1)`;

/**
 * The profile's earlier link and the matching user, found together: always exactly one row of
 * (previous, id, active, groups). Parameters $1..$4 are loginLinkValues; the SAML sign-in
 * statement (saml-sign-in-sql.ts) embeds this query, so it keeps those positions.
 */
export const LOGIN_LINK_SQL = `
  SELECT p.previous, f.id, f.active, f.groups
    FROM (SELECT (SELECT directory_user_id FROM profiles WHERE connection_id = $4 AND idp_id = $2) AS previous) p
    LEFT JOIN LATERAL (
      SELECT u.id, u.active, ${GROUP_NAMES} AS groups
        FROM directory_users u JOIN directories d ON d.id = u.directory_id
       WHERE d.organization_id = $1
         AND (u.id = p.previous OR u.external_id = $2 OR u.user_name_key = lower($2) OR ($3::text IS NOT NULL AND u.email_keys @> ARRAY[$3::text]))
       -- The user linked before wins (its email may have changed), then externalId, userName, email.
       ORDER BY (u.id = p.previous) DESC NULLS LAST, (u.external_id = $2) DESC NULLS LAST, (u.user_name_key = lower($2)) DESC, u.active DESC, u.id
       LIMIT 1) f ON true`;

export const loginLinkValues = (identity: LoginIdentity): unknown[] => [identity.organizationId, identity.idpId, identity.verifiedEmail?.toLowerCase() ?? null, identity.connectionId];

export interface LoginLinkRow {
  previous: string | null;
  id: string | null;
  active: boolean | null;
  groups: string[] | null;
}

export const toLoginLink = (row: LoginLinkRow | undefined): LoginLink => ({
  user: row?.id ? { id: row.id, active: row.active === true, groups: row.groups ?? [] } : undefined,
  previousUserId: row?.previous ?? null,
});

export function loginLinkReads(db: Queryable): Pick<DirectoryReads, 'findLoginLink' | 'loginState'> {
  return {
    // One round trip: the profile's earlier link and the matching user, found together.
    async findLoginLink(identity) {
      const [row] = await rows<LoginLinkRow>(db, LOGIN_LINK_SQL, loginLinkValues(identity));
      return toLoginLink(row);
    },

    async loginState(userId) {
      const [found] = await rows<{ active: boolean; groups: string[] }>(db, `SELECT u.active, ${GROUP_NAMES} AS groups FROM directory_users u WHERE u.id = $1`, [userId]);
      return found;
    },
  };
}
