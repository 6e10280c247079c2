// One setup guide per IdP preset: what a customer's IT admin does in their IdP's admin console.
export { adfsGuide } from './adfs.js';
export { entraGuide } from './entra.js';
export { genericOidcGuide, genericSamlGuide } from './generic.js';
export { googleGuide } from './google.js';
export { jumpcloudGuide } from './jumpcloud.js';
export { oneloginGuide } from './onelogin.js';
export { oktaGuide } from './okta.js';
export { pingGuide } from './ping.js';
