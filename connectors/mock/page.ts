// The mock IdP's login page: pick a configured user, optionally add groups, submit. Plain HTML with
// no script or inline style so it passes the gateway's CSP, and every echoed value is escaped:
// user names and emails are config, which the mock treats as hostile like any other.
import type { MockConfig } from './config.js';
import { hintedUser, readLoginRequest } from './idp.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Throws InvalidRequest when the request token is missing, tampered with or expired. */
export function renderMockLogin(config: MockConfig, requestToken: string | undefined, now: Date): { html: string } {
  const request = readLoginRequest(config, requestToken, now);
  const selected = hintedUser(config, request.login_hint) ?? config.users[0];
  const users = config.users
    .map((user, index) => {
      const id = `user-${index}`;
      const name = [user.first_name, user.last_name].filter((p) => p !== undefined).join(' ');
      const groups = user.groups.length === 0 ? 'no groups' : `groups: ${user.groups.map(escapeHtml).join(', ')}`;
      return `      <div>
        <input type="radio" name="user" id="${id}" value="${escapeHtml(user.id)}" aria-describedby="${id}-groups" required${user === selected ? ' checked' : ''}>
        <label for="${id}">${name === '' ? '' : `${escapeHtml(name)} `}&lt;${escapeHtml(user.email)}&gt;</label>
        <small id="${id}-groups">(${groups})</small>
      </div>`;
    })
    .join('\n');
  // The action is relative so the form posts to <publicUrl>/mock-idp/login even under a path prefix.
  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Mock identity provider</title>
</head>
<body>
  <header role="banner"><p><strong>Mock identity provider — for development and tests only</strong></p></header>
  <main>
    <h1>Sign in as</h1>
    <form method="post" action="login">
      <input type="hidden" name="request" value="${escapeHtml(requestToken ?? '')}">
      <fieldset>
        <legend>User</legend>
${users}
      </fieldset>
      <p>
        <label for="extra_groups">Extra groups (comma-separated)</label>
        <input type="text" id="extra_groups" name="extra_groups" autocomplete="off">
      </p>
      <button type="submit">Sign in</button>
    </form>
  </main>
</body>
</html>
`;
  return { html };
}
