// OneLogin: the SAML Custom Connector (Advanced) for sign-in only; directory sync needs an app made
// from the SCIM Provisioner with SAML (SCIM v2 Core) connector, which does the same SAML besides.
import type { SetupGuide } from '../../../src/sso/connector.js';

export const oneloginGuide: SetupGuide = {
  sso: {
    protocol: 'saml',
    steps: [
      'In the OneLogin admin portal, go to Applications and click Add App. Search for SAML Custom Connector (Advanced) and select it. If you also want directory sync, pick SCIM Provisioner with SAML (SCIM v2 Core) instead: the sign-in steps are the same.',
      'Enter Gatehouse as the Display Name and click Save.',
      'On the Configuration tab, set Audience (EntityID) to {{sp_entity_id}}, and both ACS (Consumer) URL Validator and ACS (Consumer) URL to {{acs_url}}.',
      'Set SAML initiator to Service Provider and SAML nameID format to Email, then click Save.',
      'On the Parameters tab, add {{attr.email}} with the value Email, {{attr.first_name}} with First Name and {{attr.last_name}} with Last Name, ticking Include in SAML assertion for each.',
      'Add {{attr.groups}} with the roles or groups you want Gatehouse to see as its value, ticking Include in SAML assertion and Multi-value parameter.',
      'On the SSO tab, set SAML Signature Algorithm to SHA-256.',
      'Give access on the Access tab by role, or assign the app to users directly.',
      'On the SSO tab, copy the Issuer URL (the metadata URL), or choose More Actions, then SAML Metadata to download the XML, and give it to the form below.',
    ],
  },
  dsync: {
    steps: [
      'Directory sync needs the app to come from the SCIM Provisioner with SAML (SCIM v2 Core) connector. If you used SAML Custom Connector (Advanced), add an app from the SCIM connector and repeat the sign-in steps on it.',
      'On the Configuration tab, under API Connection, set SCIM Base URL to {{scim_base_url}} and SCIM Bearer Token to {{scim_token}}. Keep the default SCIM JSON Template.',
      'Click Enable next to API Status, then Save, and check that the connection shows as enabled.',
      'On the Parameters tab, make sure SCIM Username is mapped to Email.',
      'On the Provisioning tab, tick Enable provisioning, untick the admin approval boxes for create, update and delete if changes should flow automatically, and click Save.',
      'To sync groups, set up the Groups parameter for provisioning and a rule on the Rules tab that picks which groups to push.',
      'Users who get the app through a role or a direct assignment are now provisioned.',
    ],
  },
};
