// One identity: a login is matched to the organization's directory user (SCIM), and the
// directory decides whether that person may still sign in. Someone deactivated or deleted in
// Okta or Entra is refused here, whatever the IdP's own session says.
import { UpstreamRejected } from '../errors.js';
import type { DirectoryReads, LoginIdentity, LoginLink } from '../store/directory-data.js';

export async function linkDirectoryUser(data: DirectoryReads, identity: LoginIdentity): Promise<string | null> {
  return directoryUserOf(await data.findLoginLink(identity));
}

/**
 * The directory user a login is linked to (null: the person is not in the directory), or the
 * directory's refusal. The one-statement SAML sign-in (store/saml-sign-in-sql.ts, SAML_SIGN_IN) writes
 * the profile under this same rule; keep the two alike.
 */
export function directoryUserOf({ user, previousUserId }: LoginLink): string | null {
  if (user) {
    if (!user.active) {
      throw new UpstreamRejected('Your account is deactivated in your organization’s directory. Ask your IT administrator for access.', {
        code: 'directory_user_inactive',
        detail: `directory user ${user.id} is inactive`,
      });
    }
    return user.id;
  }
  if (previousUserId !== null) {
    throw new UpstreamRejected('Your account was removed from your organization’s directory. Ask your IT administrator for access.', {
      code: 'directory_user_deleted',
      detail: `directory user ${previousUserId} no longer exists`,
    });
  }
  return null;
}
