// Pages a browser sees during sign-in: ask for the work email, choose a connection, and the
// auto-submitting form that carries a SAML/POST-binding request to the IdP.
import type { ConnectionRecord } from '../../store/records.js';
import { escapeHtml } from './error-page.js';

export function simplePage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Gatehouse</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:28rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin:0 0 1rem}input,button{font:inherit;padding:.5rem .75rem;width:100%;box-sizing:border-box;margin:.25rem 0}
ul{list-style:none;padding:0}li a{display:block;padding:.6rem .75rem;border:1px solid #d5d9e0;border-radius:8px;margin:.4rem 0;color:inherit;text-decoration:none}</style>
</head><body><main>${body}</main></body></html>
`;
}

export function askEmailPage(action: string, error?: string): string {
  return simplePage(
    'Sign in',
    `<h1>Sign in with your work account</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="get" action="${escapeHtml(action)}">
<label for="login_hint">Work email</label>
<input id="login_hint" name="login_hint" type="email" autocomplete="email" required autofocus>
<button type="submit">Continue</button>
</form>`,
  );
}

export function chooseConnectionPage(action: string, connections: ConnectionRecord[]): string {
  const items = connections
    .map((c) => `<li><a href="${escapeHtml(`${action}?connection=${encodeURIComponent(c.id)}`)}">${escapeHtml(c.name)}</a></li>`)
    .join('\n');
  return simplePage('Choose how to sign in', `<h1>Choose how to sign in</h1>\n<ul>\n${items}\n</ul>`);
}

/** Submits itself where scripts run (nonce from the CSP); without JavaScript the button does it. */
export function autoPostPage(url: string, fields: Record<string, string>, nonce?: string): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return simplePage(
    'Continue to your identity provider',
    `<form method="post" action="${escapeHtml(url)}">\n${inputs}\n<p>Continue to your identity provider.</p><button type="submit" autofocus>Continue</button>\n</form>${nonce ? `\n<script nonce="${escapeHtml(nonce)}">document.forms[0].submit()</script>` : ''}`,
  );
}
