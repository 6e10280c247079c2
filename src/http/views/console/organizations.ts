// Organizations in the console: the list (with domains), and one organization with its
// connections, directories (SCIM activity) and setup links.
import type { ConnectionView } from '../../../admin/connections.js';
import type { DirectoryRecord, Organization, Page } from '../../../store/records.js';
import type { SetupLinkRecord } from '../../../store/setup-data.js';
import { html, type SafeHtml } from '../html.js';
import { connectionsTable } from './connections.js';
import { badge, consolePage, nextPage, section, statusTone, table, when, type Section } from './layout.js';

export type DirectoryWithCounts = DirectoryRecord & { counts: { users: number; groups: number } };

export interface OrganizationDetail {
  organization: Organization;
  connections: Section<ConnectionView>;
  directories: Section<DirectoryWithCounts>;
  setupLinks: Section<SetupLinkRecord>;
  now: Date;
}

const orgHref = (id: string) => `/console/organizations/${encodeURIComponent(id)}`;

const domainList = (domains: string[]): SafeHtml =>
  domains.length === 0 ? html`<span class="hint">none</span>` : html`${domains.map((d, i) => html`${i > 0 ? ', ' : ''}<code>${d}</code>`)}`;

export function organizationsPage(page: Page<Organization>): string {
  const rows = page.data.map(
    (o) => html`<tr><td><a href="${orgHref(o.id)}">${o.name}</a></td><td>${domainList(o.domains)}</td><td>${o.externalId ?? '—'}</td><td>${when(o.createdAt)}</td></tr>`,
  );
  const body = html`<h1>Organizations</h1><section class="card">
${table(['Name', 'Domains', 'External ID', 'Created'], rows, 'No organizations yet.')}
${nextPage('/console/organizations', 'after', page.after)}</section>`;
  return consolePage('Organizations', body);
}

function directoriesTable(directories: DirectoryWithCounts[]): SafeHtml {
  const rows = directories.map(
    (d) => html`<tr><td>${d.name}<br><code>${d.id}</code></td><td>${d.provider}</td><td>${d.counts.users}</td><td>${d.counts.groups}</td>
<td>${when(d.lastRequestAt, 'never')}</td><td>${d.recentErrors?.length ? badge(`${d.recentErrors.length} refused lately`, 'bad') : '—'}</td></tr>`,
  );
  return table(['Directory', 'Provider', 'Users', 'Groups', 'Last SCIM request', 'Errors'], rows, 'No directories.');
}

export function setupLinkStatus(link: SetupLinkRecord, now: Date): string {
  if (link.revokedAt) return 'revoked';
  return link.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

function setupLinksTable(links: SetupLinkRecord[], now: Date): SafeHtml {
  const rows = links.map((l) => {
    const status = setupLinkStatus(l, now);
    return html`<tr><td><code>${l.id}</code></td><td>${l.intents.join(', ')}</td><td>${badge(status, statusTone(status))}</td>
<td>${when(l.createdAt)}</td><td>${when(l.expiresAt)}</td><td>${when(l.lastUsedAt, 'never')}</td></tr>`;
  });
  return table(['Setup link', 'Intents', 'Status', 'Created', 'Expires', 'Last used'], rows, 'No setup links.');
}

export function organizationPage(detail: OrganizationDetail): string {
  const o = detail.organization;
  const audit = `/console/audit-logs?${new URLSearchParams({ organization_id: o.id }).toString()}`;
  const body = html`<h1>${o.name}</h1>
<section class="card"><dl><dt>ID</dt><dd><code>${o.id}</code></dd><dt>Domains</dt><dd>${domainList(o.domains)}</dd>
<dt>External ID</dt><dd>${o.externalId ?? '—'}</dd><dt>Created</dt><dd>${when(o.createdAt)}</dd></dl>
<p><a href="${audit}">This organization's audit log</a></p></section>
${section('Connections', detail.connections, (items) => connectionsTable(items, detail.now))}
${section('Directories', detail.directories, directoriesTable)}
${section('Setup links', detail.setupLinks, (items) => setupLinksTable(items, detail.now))}`;
  return consolePage(o.name, body);
}
