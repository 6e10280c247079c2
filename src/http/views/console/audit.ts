// The audit log in the console: newest entries first, older ones a page at a time.
import type { AuditLogEntry } from '../../../store/records.js';
import { html, type SafeHtml } from '../html.js';
import { badge, consolePage, nextPage, statusTone, table, when } from './layout.js';

function actorCell(e: AuditLogEntry): SafeHtml {
  const who = e.actorName ?? e.actorId;
  return html`${e.actorType}${who ? html`<br><span class="hint">${who}</span>` : ''}`;
}

function targetCell(e: AuditLogEntry): SafeHtml {
  return html`${e.targetType}${e.targetId ? html`<br><code>${e.targetId}</code>` : ''}`;
}

export function auditTable(entries: AuditLogEntry[]): SafeHtml {
  const rows = entries.map(
    (e) => html`<tr><td>${when(e.occurredAt)}</td><td>${actorCell(e)}</td><td><code>${e.action}</code></td><td>${targetCell(e)}</td>
<td>${e.organizationId ? html`<a href="${`/console/organizations/${encodeURIComponent(e.organizationId)}`}"><code>${e.organizationId}</code></a>` : '—'}</td>
<td>${badge(e.outcome, statusTone(e.outcome))}</td></tr>`,
  );
  return table(['Time', 'Actor', 'Action', 'Target', 'Organization', 'Outcome'], rows, 'No audit log entries.');
}

export function auditPage(entries: AuditLogEntry[], older: string | null, organizationId: string | undefined): string {
  const scope = organizationId ? html`<p class="hint">Only organization <code>${organizationId}</code>. <a href="/console/audit-logs">Show every organization</a></p>` : '';
  const body = html`<h1>Audit log</h1><section class="card">${scope}<p class="hint">Newest first.</p>
${auditTable(entries)}
${nextPage('/console/audit-logs', 'before', older, { organization_id: organizationId }, 'Older entries')}</section>`;
  return consolePage('Audit log', body);
}
