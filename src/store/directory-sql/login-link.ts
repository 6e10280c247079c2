// Directory users seen from the sign-in side: which SCIM user a login is, and whether that user
// may still sign in. One organization's directories only.
import type { DirectoryReads } from '../directory-data.js';
import { rows, type Queryable } from './rows.js';

const GROUP_NAMES = `ARRAY(SELECT g.resource->>'displayName' FROM directory_memberships m JOIN directory_groups g ON g.id = m.group_id
                            WHERE m.user_id = u.id ORDER BY 1)`;

export function loginLinkReads(db: Queryable): Pick<DirectoryReads, 'findLoginLink' | 'loginState'> {
  return {
    async findLoginLink(identity) {
      const [previous] = await rows<{ directory_user_id: string | null }>(
        db,
        'SELECT directory_user_id FROM profiles WHERE connection_id = $1 AND idp_id = $2',
        [identity.connectionId, identity.idpId],
      );
      const previousUserId = previous?.directory_user_id ?? null;
      // The user linked before wins (its email may have changed), then externalId, userName, email.
      const [found] = await rows<{ id: string; active: boolean; groups: string[] }>(
        db,
        `SELECT u.id, u.active, ${GROUP_NAMES} AS groups
           FROM directory_users u JOIN directories d ON d.id = u.directory_id
          WHERE d.organization_id = $1
            AND (u.id = $4 OR u.external_id = $2 OR u.user_name_key = lower($2) OR ($3::text IS NOT NULL AND u.email_keys @> ARRAY[$3::text]))
          ORDER BY (u.id = $4) DESC NULLS LAST, (u.external_id = $2) DESC NULLS LAST, (u.user_name_key = lower($2)) DESC, u.active DESC, u.id
          LIMIT 1`,
        [identity.organizationId, identity.idpId, identity.verifiedEmail?.toLowerCase() ?? null, previousUserId],
      );
      return { user: found, previousUserId };
    },

    async loginState(userId) {
      const [found] = await rows<{ active: boolean; groups: string[] }>(db, `SELECT u.active, ${GROUP_NAMES} AS groups FROM directory_users u WHERE u.id = $1`, [userId]);
      return found;
    },
  };
}
