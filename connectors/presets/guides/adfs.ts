// Active Directory Federation Services: a claims-aware relying party trust, built from Gatehouse's
// SP metadata where the AD FS server can reach it. AD FS has no SCIM provisioning.
import type { SetupGuide } from '../../../src/sso/connector.js';

export const adfsGuide: SetupGuide = {
  sso: {
    protocol: 'saml',
    steps: [
      'In AD FS Management, right-click Relying Party Trusts, choose Add Relying Party Trust, select Claims aware and click Start.',
      'Choose "Import data about the relying party published online or on a local network" and enter {{sp_metadata_url}} as the federation metadata address.',
      'If the AD FS server cannot reach that address, choose "Enter data about the relying party manually" instead: tick SAML 2.0 WebSSO protocol support with the URL {{acs_url}} and add {{sp_entity_id}} as the relying party trust identifier.',
      'Enter Gatehouse as the display name, choose an access control policy such as Permit everyone or Permit specific group, and finish the wizard with the claim issuance policy editor open.',
      'In Edit Claim Issuance Policy, click Add Rule, choose Send LDAP Attributes as Claims with the Active Directory attribute store, and map E-Mail-Addresses to E-Mail Address, Given-Name to Given Name, Surname to Surname and Token-Groups - Unqualified Names to Group.',
      'Keep those outgoing claim types as they are: their claim URIs are the names Gatehouse already expects.',
      'Add a second rule with Transform an Incoming Claim: incoming claim type E-Mail Address, outgoing claim type Name ID, outgoing name ID format Email.',
      'Give the form below the federation metadata address of your AD FS server, listed under Service, Endpoints and usually ending in /FederationMetadata/2007-06/FederationMetadata.xml, or upload that file.',
    ],
  },
};
