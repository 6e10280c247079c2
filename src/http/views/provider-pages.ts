// The OpenID Provider's own pages, in Gatehouse's look.
import type { ProviderViews } from '../../sso/provider/configuration.js';
import { errorPage } from './error-page.js';
import { simplePage } from './sso-pages.js';

export const providerViews: ProviderViews = {
  error: errorPage,
  logout: (form) =>
    simplePage(
      'Sign out',
      `<h1>Sign out of Gatehouse?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`,
    ),
  signedOut: () => simplePage('Signed out', '<h1>You are signed out</h1><p>You can close this window.</p>'),
};
