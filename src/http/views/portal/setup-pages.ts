// The setup portal's entry pages: what this link sets up, and a clear page when a link cannot be used.
import type { Organization } from '../../../store/records.js';
import type { SetupLinkRecord } from '../../../store/setup-data.js';
import { html } from '../html.js';
import { portalPage } from './layout.js';

export interface HomeStatus {
  connection?: { name: string; status: string } | undefined;
  directory?: { name: string; lastRequestAt: Date | null } | undefined;
}

export const setupNav = (link: SetupLinkRecord) => [
  { href: '/setup', label: 'Overview' },
  ...(link.intents.includes('sso') ? [{ href: '/setup/sso', label: 'Single sign-on' }] : []),
  ...(link.intents.includes('dsync') ? [{ href: '/setup/dsync', label: 'Directory sync' }] : []),
];

export function homePage(org: Organization, link: SetupLinkRecord, status: HomeStatus): string {
  const sso = link.intents.includes('sso')
    ? html`<section class="card"><h2>Single sign-on</h2>
<p>Let your people sign in with your identity provider (Okta, Microsoft Entra ID, Google Workspace, ADFS and others).</p>
${status.connection ? html`<p>Connection <strong>${status.connection.name}</strong>: <span class="status ${status.connection.status}">${status.connection.status}</span></p>` : html`<p>Not set up yet.</p>`}
<a class="button" href="/setup/sso">${status.connection ? 'Review single sign-on' : 'Set up single sign-on'}</a></section>`
    : '';
  const dsync = link.intents.includes('dsync')
    ? html`<section class="card"><h2>Directory sync (SCIM)</h2>
<p>Keep users and groups in sync automatically: people you add or remove in your identity provider are added or removed here.</p>
${status.directory ? html`<p>Directory <strong>${status.directory.name}</strong> created. <a href="/setup/dsync/status">See its status</a>.</p>` : html`<p>Not set up yet.</p>`}
${status.directory ? '' : html`<a class="button" href="/setup/dsync">Set up directory sync</a>`}</section>`
    : '';
  const body = html`<h1>Set up ${org.name}</h1>
<p>This page walks you through connecting your identity provider. It works until ${link.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.</p>
${sso}${dsync}`;
  return portalPage(`Set up ${org.name}`, body, { context: org.name, nav: setupNav(link) });
}

/** Unknown, expired, revoked, or no session: say which, and what to do. */
export function linkProblemPage(title: string, message: string): string {
  return portalPage(title, html`<section class="card"><h1>${title}</h1><p role="alert">${message}</p>
<p class="hint">Setup links are sent by the application you are connecting. Ask its team for a new link.</p></section>`);
}
