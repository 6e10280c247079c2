// Any other IdP: generic SAML 2.0 (the `generic` preset) and generic OpenID Connect (`generic_oidc`).
// With no preset mapping, the SAML guide names the attributes Gatehouse recognises on its own.
import type { SetupGuide } from '../../../src/sso/connector.js';

export const genericSamlGuide: SetupGuide = {
  sso: {
    protocol: 'saml',
    steps: [
      'In your identity provider, create a new SAML 2.0 application for Gatehouse. It may be called a custom, generic or non-gallery SAML app.',
      'If it can import service provider metadata from an address, give it {{sp_metadata_url}}.',
      'Otherwise set the service provider entity ID (also called Audience or Identifier) to {{sp_entity_id}} and the Assertion Consumer Service URL (also called Reply URL or Single sign-on URL) to {{acs_url}}, with the HTTP-POST binding.',
      'Send the user\'s email address as the NameID in the email address format, or a persistent identifier that never changes for the user.',
      'Send the email address, first name, last name and groups as attributes named email, firstName, lastName and groups. Gatehouse also recognises the common URI names for them.',
      'Sign the response or the assertion with SHA-256.',
      'Assign the users or groups who may sign in.',
      'Copy the identity provider metadata URL, or download the metadata XML, and give it to the form below. Without metadata, enter its entity ID, single sign-on URL and signing certificate instead.',
    ],
  },
};

export const genericOidcGuide: SetupGuide = {
  sso: {
    protocol: 'oidc',
    steps: [
      'In your identity provider, register a new web application (a confidential client) for Gatehouse that uses the authorization code flow.',
      'Add {{oidc_redirect_uri}} as an allowed redirect URI, exactly as shown.',
      'Allow the scopes openid, email and profile. If your provider can add a groups claim to the ID token, turn it on.',
      'Create a client secret for the application.',
      'Assign the users or groups who may sign in, if your provider asks for that.',
      'Copy the issuer URL, the client ID and the client secret into the form below. The issuer URL is the part of the provider\'s discovery address before /.well-known/openid-configuration.',
    ],
  },
};
