// Google Workspace: a custom SAML app. Google does not provision to custom apps over SCIM (only to
// some gallery apps), so there is no directory sync guide.
import type { SetupGuide } from '../../../src/sso/connector.js';

export const googleGuide: SetupGuide = {
  sso: {
    protocol: 'saml',
    steps: [
      'In the Google Admin console, go to Apps, then Web and mobile apps, and click Add app, then Add custom SAML app.',
      'Enter Gatehouse as the App name and click Continue.',
      'On the Google Identity Provider details page, click Download Metadata, keep the file for the last step, and click Continue.',
      'Under Service provider details, set ACS URL to {{acs_url}} and Entity ID to {{sp_entity_id}}.',
      'Set Name ID format to EMAIL and Name ID to Basic Information, Primary email, then click Continue.',
      'Under Attributes, add mappings from Primary email to {{attr.email}}, First name to {{attr.first_name}} and Last name to {{attr.last_name}}.',
      'Under Group membership, pick the groups Gatehouse should see and enter {{attr.groups}} as the App attribute, then click Finish.',
      'Open User access, turn the app ON for everyone or for the organizational units or groups who may sign in, and click Save. The change can take a while to reach every user.',
      'Upload the metadata file you downloaded, or paste its contents, into the form below.',
    ],
  },
};
