// Ping Identity, written for PingOne (the cloud service): a SAML application, and outbound SCIM
// through a provisioning connection and rule. PingFederate takes the same values in an SP connection.
import type { SetupGuide } from '../../../src/sso/connector.js';

export const pingGuide: SetupGuide = {
  sso: {
    protocol: 'saml',
    steps: [
      'In the PingOne admin console, go to Applications, then Applications, and click the + button to add an application.',
      'Enter Gatehouse as the Application name, choose SAML Application and click Configure.',
      'Choose Import From URL and enter {{sp_metadata_url}}, or choose Manually Enter and set ACS URLs to {{acs_url}} and Entity ID to {{sp_entity_id}}. Click Save.',
      'On the Configuration tab, set the Subject NameID Format to the email address format (urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress).',
      'On the Attribute Mappings tab, map saml_subject to Email Address, and add {{attr.email}} mapped to Email Address, {{attr.first_name}} to Given Name, {{attr.last_name}} to Family Name and {{attr.groups}} to Group Names.',
      'On the Access tab, add the groups who may sign in, then turn the application on with its toggle.',
      'On the Configuration tab, copy the IDP Metadata URL or click Download Metadata, and give it to the form below.',
      'If you run PingFederate rather than PingOne, create an SP connection instead: import {{sp_metadata_url}} and send the same NameID and attributes.',
    ],
  },
  dsync: {
    steps: [
      'In the PingOne admin console, go to Integrations, then Provisioning, click the + button and choose New connection.',
      'On the Identity Store row click Select, choose SCIM Outbound, give the connection a name such as Gatehouse and click Next.',
      'Set SCIM base URL to {{scim_base_url}}, Users resource to /Users and SCIM version to 2.0. Set Authentication method to OAuth 2 Bearer Token, paste {{scim_token}} as the OAuth access token and choose Bearer as the auth type header.',
      'Click Test connection, then finish the wizard with the actions to create, update and disable users allowed, and turn the connection on.',
      'On the Rules tab, click the + button, choose New rule, name it and add the Gatehouse connection as its target.',
      'In the rule, set the User Filter to the users to provision, map userName to Email Address in the attribute mapping, and pick any groups to push under group provisioning.',
      'Turn the rule on. PingOne provisions matching users and then keeps them in sync.',
    ],
  },
};
