// What each IdP names the attributes of its SAML assertions by default (or as its setup guide
// tells the admin to name them), and the IdP-specific claims of its OIDC ID tokens worth keeping
// (standard claims such as email, given_name and groups are read without a mapping).
import type { IdpPreset, PresetRegistry, SetupGuide } from '../../src/sso/connector.js';
import { adfsGuide, entraGuide, genericOidcGuide, genericSamlGuide, googleGuide, jumpcloudGuide, oktaGuide, oneloginGuide, pingGuide } from './guides/index.js';

const WS_CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';

const preset = (name: string, label: string, attributeMapping: Record<string, string>, oidcAttributeMapping: Record<string, string> = {}, guide?: SetupGuide): IdpPreset => ({
  name,
  label,
  attributeMapping,
  oidcAttributeMapping,
  ...(guide ? { guide } : {}),
});

export const idpPresets = {
  okta: preset('okta', 'Okta', { email: 'email', first_name: 'firstName', last_name: 'lastName', groups: 'groups' }, { preferred_username: 'preferred_username' }, oktaGuide),
  entra: preset('entra', 'Microsoft Entra ID', {
    email: `${WS_CLAIMS}/emailaddress`,
    first_name: `${WS_CLAIMS}/givenname`,
    last_name: `${WS_CLAIMS}/surname`,
    name: 'http://schemas.microsoft.com/identity/claims/displayname',
    groups: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
    object_id: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
    tenant_id: 'http://schemas.microsoft.com/identity/claims/tenantid',
    upn: `${WS_CLAIMS}/upn`,
  }, { object_id: 'oid', tenant_id: 'tid', upn: 'upn', preferred_username: 'preferred_username' }, entraGuide),
  google: preset('google', 'Google Workspace', { email: 'email', first_name: 'firstName', last_name: 'lastName', groups: 'groups' }, { hosted_domain: 'hd' }, googleGuide),
  adfs: preset('adfs', 'Active Directory Federation Services', {
    email: `${WS_CLAIMS}/emailaddress`,
    first_name: `${WS_CLAIMS}/givenname`,
    last_name: `${WS_CLAIMS}/surname`,
    groups: 'http://schemas.xmlsoap.org/claims/Group',
    upn: `${WS_CLAIMS}/upn`,
  }, {}, adfsGuide),
  onelogin: preset('onelogin', 'OneLogin', { email: 'User.email', first_name: 'User.FirstName', last_name: 'User.LastName', groups: 'memberOf' }, {}, oneloginGuide),
  ping: preset('ping', 'Ping Identity', { email: 'email', first_name: 'firstName', last_name: 'lastName', groups: 'memberOf' }, {}, pingGuide),
  jumpcloud: preset('jumpcloud', 'JumpCloud', { email: 'email', first_name: 'firstname', last_name: 'lastname', groups: 'memberOf' }, {}, jumpcloudGuide),
  generic: preset('generic', 'Any SAML 2.0 provider', {}, {}, genericSamlGuide),
  generic_oidc: preset('generic_oidc', 'Any OpenID Connect provider', {}, {}, genericOidcGuide),
} satisfies PresetRegistry;
