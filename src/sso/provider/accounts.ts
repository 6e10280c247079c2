// oidc-provider's accounts are Gatehouse Profiles: `sub` is the profile id (stable per connection
// and IdP subject), and the claims are the normalized identity plus where it came from.
import type { FindAccount } from 'oidc-provider';
import type { ProfileRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';

/** `directoryGroups`: when the profile is linked to a SCIM user, the directory's groups replace the IdP's. */
export function profileClaims(p: ProfileRecord, directoryGroups?: string[]) {
  return {
    sub: p.id,
    email: p.email ?? undefined,
    email_verified: p.emailVerified,
    name: p.name ?? undefined,
    given_name: p.firstName ?? undefined,
    family_name: p.lastName ?? undefined,
    org_id: p.organizationId,
    connection_id: p.connectionId,
    connection_type: p.connectionType,
    idp_id: p.idpId,
    groups: directoryGroups ?? p.groups,
  };
}

export function findProfileAccount(store: Store): FindAccount {
  return async (_ctx, sub) => {
    const profile = await store.profiles.find(sub);
    if (!profile) return undefined;
    if (profile.directoryUserId === null) return { accountId: profile.id, claims: async () => profileClaims(profile) };
    // A linked person exists only while the directory says so: a deactivated or deleted user's
    // leftover tokens stop working at the next refresh or userinfo call.
    const state = await store.directoryData.loginState(profile.directoryUserId);
    if (!state?.active) return undefined;
    return { accountId: profile.id, claims: async () => profileClaims(profile, state.groups) };
  };
}
