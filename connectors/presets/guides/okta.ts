// Okta: a SAML 2.0 app integration from the App Integration Wizard; SCIM is switched on in the same
// app (Okta adds no SCIM to OIDC app integrations, hence the SAML guide).
import type { SetupGuide } from '../../../src/sso/connector.js';

export const oktaGuide: SetupGuide = {
  sso: {
    protocol: 'saml',
    steps: [
      'In the Okta Admin Console, go to Applications, then Applications, and click Create App Integration.',
      'Choose SAML 2.0 as the sign-in method, click Next, enter Gatehouse as the App name and click Next.',
      'Set Single sign-on URL to {{acs_url}} and keep "Use this for Recipient URL and Destination URL" ticked.',
      'Set Audience URI (SP Entity ID) to {{sp_entity_id}}, Name ID format to EmailAddress and Application username to Email.',
      'Under Attribute Statements, add {{attr.email}} with the value user.email, {{attr.first_name}} with user.firstName and {{attr.last_name}} with user.lastName.',
      'Under Group Attribute Statements, add {{attr.groups}} with the filter Matches regex and the value .* to send every group, or a narrower filter.',
      'Click Next, tell Okta this is an internal app you are adding, and click Finish.',
      'On the Assignments tab, assign the people or groups who may sign in.',
      'On the Sign On tab, copy the Metadata URL and paste it into the form below.',
    ],
  },
  dsync: {
    steps: [
      'Open the Gatehouse app integration created for single sign-on, go to the General tab and click Edit in App Settings.',
      'Set Provisioning to SCIM and click Save. A Provisioning tab appears.',
      'On the Provisioning tab, open Integration and click Edit. Set SCIM connector base URL to {{scim_base_url}} and Unique identifier field for users to userName.',
      'Under Supported provisioning actions, tick Push New Users, Push Profile Updates and Push Groups, and Import New Users and Profile Updates if you want imports too.',
      'Set Authentication Mode to HTTP Header, paste {{scim_token}} as the Bearer token, click Test Connector Configuration and then Save.',
      'Open To App under the Provisioning tab, click Edit, enable Create Users, Update User Attributes and Deactivate Users, and click Save.',
      'Everyone assigned on the Assignments tab is now provisioned. To sync groups, add them on the Push Groups tab.',
    ],
  },
};
