// Microsoft Entra ID: a non-gallery enterprise application with SAML single sign-on; its
// Provisioning blade speaks SCIM to the same application. Entra names its claims with the
// WS-Federation URIs the preset already maps, so nothing needs renaming.
import type { SetupGuide } from '../../../src/sso/connector.js';

export const entraGuide: SetupGuide = {
  sso: {
    protocol: 'saml',
    steps: [
      'In the Microsoft Entra admin center, go to Enterprise applications and click New application, then Create your own application.',
      'Enter Gatehouse as the name, choose "Integrate any other application you don\'t find in the gallery (Non-gallery)" and click Create.',
      'In the new application, open Single sign-on and choose SAML.',
      'In Basic SAML Configuration, click Edit, set Identifier (Entity ID) to {{sp_entity_id}} and Reply URL (Assertion Consumer Service URL) to {{acs_url}}, and click Save.',
      'In Attributes & Claims, keep the default claims: their names already match what Gatehouse expects.',
      'The default Unique User Identifier (Name ID), user.userprincipalname, works. Change it to user.mail if your user principal names are not email addresses.',
      'To send groups, click Add a group claim in Attributes & Claims, choose Security groups or Groups assigned to the application, and keep the default claim name. Entra sends group object IDs unless you choose another source attribute.',
      'Open Users and groups and add the users or groups who may sign in.',
      'In SAML Certificates, copy the App Federation Metadata Url (or download the Federation Metadata XML) and give it to the form below.',
    ],
  },
  dsync: {
    steps: [
      'Open the Gatehouse enterprise application created for single sign-on and go to Provisioning.',
      'Click Get started and set Provisioning Mode to Automatic.',
      'Under Admin Credentials, set Tenant URL to {{scim_base_url}} and Secret Token to {{scim_token}}, click Test Connection and then Save.',
      'Under Mappings, keep the default user and group mappings.',
      'Under Settings, set Scope to Sync only assigned users and groups, so only those added in Users and groups are provisioned.',
      'Set Provisioning Status to On and click Save. Entra provisions in cycles of about 40 minutes; Provision on demand pushes one user right away.',
    ],
  },
};
