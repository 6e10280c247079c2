// The console's landing page: how many organizations and webhook endpoints there are (counted up
// to one page), which endpoints need attention, and the latest audit entries.
import type { AuditLogEntry } from '../../../store/records.js';
import { html, type SafeHtml } from '../html.js';
import { auditTable } from './audit.js';
import { consolePage, section, type Section } from './layout.js';

/** `more`: there are more than `n` (only one page was counted). */
export interface Count {
  n: number;
  more: boolean;
}

export type Scoped<T> = T | { missingScope: string };

export interface Overview {
  organizations: Scoped<Count>;
  webhooks: Scoped<{ total: Count; disabled: number; failing: number }>;
  recentAudit: Section<AuditLogEntry>;
}

const counted = (c: Count) => `${c.n}${c.more ? '+' : ''}`;

function card(href: string, title: string, value: Scoped<SafeHtml>): SafeHtml {
  const content = 'missingScope' in value ? html`<span class="hint">needs the <code>${value.missingScope}</code> scope</span>` : value;
  return html`<a href="${href}"><strong>${title}</strong><br>${content}</a>`;
}

function webhookSummary(w: { total: Count; disabled: number; failing: number }): SafeHtml {
  const attention = [w.disabled ? `${w.disabled} disabled` : '', w.failing ? `${w.failing} failing` : ''].filter(Boolean).join(', ');
  return html`${counted(w.total)} endpoint${w.total.n === 1 && !w.total.more ? '' : 's'}${attention ? html`<br><mark>${attention}</mark>` : ''}`;
}

export function overviewPage(o: Overview): string {
  const orgs = 'missingScope' in o.organizations ? o.organizations : html`${counted(o.organizations)} organization${o.organizations.n === 1 ? '' : 's'}`;
  const hooks = 'missingScope' in o.webhooks ? o.webhooks : webhookSummary(o.webhooks);
  const body = html`<h1>Operator console</h1>
<section class="card" aria-labelledby="at-a-glance"><h2 id="at-a-glance">At a glance</h2><div class="grid">
${card('/console/organizations', 'Organizations', orgs)}
${card('/console/webhooks', 'Webhook endpoints', hooks)}
${card('/console/audit-logs', 'Audit log', html`Who changed what, newest first`)}
</div></section>
${section('Latest audit entries', o.recentAudit, auditTable)}`;
  return consolePage('Operator console', body);
}
