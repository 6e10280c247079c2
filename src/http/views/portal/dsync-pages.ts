// Directory sync in the setup portal: create the SCIM directory, show its base URL and token once
// with the identity provider's steps, then its live status.
import type { IdpPreset } from '../../../sso/connector.js';
import type { DirectoryRecord } from '../../../store/records.js';
import { html } from '../html.js';
import { renderGuide } from './guide.js';
import { portalPage, type PageOptions } from './layout.js';

export function createDirectoryPage(preset: IdpPreset, page: PageOptions): string {
  const body = html`<h1>${preset.label}: directory sync</h1>
<section class="card"><p>Gatehouse creates a SCIM 2.0 endpoint for your directory and gives you its address and a secret token, once. Have ${preset.label}’s admin console open in another tab.</p>
<form method="post" action="/setup/dsync/${preset.name}"><button type="submit">Create the directory</button></form></section>`;
  return portalPage(`${preset.label} directory sync`, body, page);
}

export function directoryCreatedPage(preset: IdpPreset, baseUrl: string, token: string, page: PageOptions): string {
  const steps = preset.guide?.dsync?.steps ?? [
    'In your identity provider, add a SCIM 2.0 provisioning connection for this application.',
    'Set the SCIM base URL to {{scim_base_url}}.',
    'Set the authentication to a bearer token (HTTP header) and paste {{scim_token}}.',
    'Enable creating, updating and deactivating users, and pushing groups, then assign the users and groups to sync.',
  ];
  const body = html`<h1>Directory created</h1>
<p class="alert good" role="status">Copy the token now: it is shown only this once.</p>
<section class="card"><h2>In ${preset.label}</h2>${renderGuide(steps, { scim_base_url: baseUrl, scim_token: token })}</section>
<p><a class="button" href="/setup/dsync/status">I have done this: show the status</a></p>`;
  return portalPage('Directory created', body, page);
}

export function directoryStatusPage(directory: DirectoryRecord & { counts: { users: number; groups: number } }, page: PageOptions): string {
  const last = directory.lastRequestAt ? `${directory.lastRequestAt.toISOString().slice(0, 19).replace('T', ' ')} UTC` : 'none yet';
  const errors = directory.recentErrors.length
    ? html`<table><thead><tr><th scope="col">When (UTC)</th><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Why</th></tr></thead><tbody>${directory.recentErrors.map(
        (e) => html`<tr><td>${e.at.slice(0, 19).replace('T', ' ')}</td><td>${e.method} ${e.path}</td><td>${e.status}${e.scim_type ? ` ${e.scim_type}` : ''}</td><td>${e.detail}</td></tr>`,
      )}</tbody></table>`
    : html`<p>No refused requests.</p>`;
  const body = html`<h1>Directory sync status</h1>
<section class="card"><h2>${directory.name}</h2>
<table><tbody><tr><th scope="row">Last SCIM request</th><td>${last}</td></tr>
<tr><th scope="row">Users</th><td>${directory.counts.users}</td></tr><tr><th scope="row">Groups</th><td>${directory.counts.groups}</td></tr></tbody></table>
<p class="hint">This page refreshes every 15 seconds.</p></section>
<section class="card"><h2>Last errors</h2>${errors}</section>`;
  return portalPage('Directory sync status', body, { ...page, refreshSeconds: 15 });
}
