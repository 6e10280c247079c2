// JumpCloud: a Custom SAML App; SCIM lives on the same app's Identity Management tab.
import type { SetupGuide } from '../../../src/sso/connector.js';

export const jumpcloudGuide: SetupGuide = {
  sso: {
    protocol: 'saml',
    steps: [
      'In the JumpCloud Admin Portal, go to SSO Applications, click Add New Application and choose Custom SAML App (in newer consoles: Custom Application, then single sign-on with SAML).',
      'Enter Gatehouse as the Display Label.',
      'On the SSO tab, enter any unique name as IdP Entity ID (for example gatehouse), set SP Entity ID to {{sp_entity_id}} and set ACS URLs to {{acs_url}}.',
      'Set SAMLSubject NameID to email and SAMLSubject NameID Format to urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress, and sign the assertion.',
      'Under Attributes, add {{attr.email}} mapped to email, {{attr.first_name}} to firstname and {{attr.last_name}} to lastname.',
      'Tick Include group attribute and enter {{attr.groups}} as its name. Then click Activate, or Save.',
      'On the User Groups tab, select the groups who may sign in and click Save.',
      'Back on the SSO tab, click Copy Metadata URL, or Export Metadata to download the XML, and give it to the form below.',
    ],
  },
  dsync: {
    steps: [
      'Open the Gatehouse app created for single sign-on and go to its Identity Management tab.',
      'Choose SCIM 2.0 as the SCIM version, set Base URL to {{scim_base_url}} and Token Key to {{scim_token}}.',
      'Enter the email address of an existing JumpCloud user as Test User Email and click Test Connection.',
      'When the test passes, click Activate, keep group management on to sync groups, and click Save.',
      'The users in the groups selected on the User Groups tab are now provisioned, and those groups with them.',
    ],
  },
};
