// Webhook endpoints in the console: the list (state, why an endpoint was disabled, since when it
// fails), and one endpoint with its most recent deliveries.
import type { Page } from '../../../store/records.js';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from '../../../store/webhook-data.js';
import { html, type SafeHtml } from '../html.js';
import { badge, consolePage, nextPage, statusTone, table, when } from './layout.js';

const endpointHref = (id: string) => `/console/webhooks/${encodeURIComponent(id)}`;

function organizationCell(organizationId: string | null): SafeHtml {
  if (organizationId === null) return html`<span class="hint">every organization</span>`;
  return html`<a href="${`/console/organizations/${encodeURIComponent(organizationId)}`}"><code>${organizationId}</code></a>`;
}

function stateCell(e: WebhookEndpointRecord): SafeHtml {
  if (e.enabled) return badge('enabled', 'good');
  return html`${badge('disabled', 'bad')}${e.disabledReason ? html`<br>${e.disabledReason}` : ''}${e.disabledAt ? html`<br><span class="hint">since ${when(e.disabledAt)}</span>` : ''}`;
}

const failingCell = (e: WebhookEndpointRecord): SafeHtml => (e.failingSince ? html`<mark>${when(e.failingSince)}</mark>` : html`—`);

const eventsCell = (events: string[]): SafeHtml => html`${events.map((ev, i) => html`${i > 0 ? ', ' : ''}<code>${ev}</code>`)}`;

export function webhooksPage(page: Page<WebhookEndpointRecord>): string {
  const rows = page.data.map(
    (e) => html`<tr><td><a href="${endpointHref(e.id)}">${e.url}</a>${e.description ? html`<br><span class="hint">${e.description}</span>` : ''}</td>
<td>${organizationCell(e.organizationId)}</td><td>${eventsCell(e.events)}</td><td>${stateCell(e)}</td><td>${failingCell(e)}</td></tr>`,
  );
  const body = html`<h1>Webhook endpoints</h1><section class="card">
${table(['URL', 'Organization', 'Events', 'State', 'Failing since'], rows, 'No webhook endpoints yet.')}
${nextPage('/console/webhooks', 'after', page.after)}</section>`;
  return consolePage('Webhook endpoints', body);
}

function lastResponse(d: WebhookDeliveryRecord): SafeHtml {
  const code = d.lastStatusCode === null ? '' : html`HTTP ${d.lastStatusCode}`;
  const error = d.lastError ? html`${code ? html`<br>` : ''}${d.lastError}` : '';
  const latency = d.lastLatencyMs === null ? '' : html` <span class="hint">(${d.lastLatencyMs} ms)</span>`;
  return code || error ? html`${code}${latency}${error}` : html`—`;
}

function deliveriesTable(deliveries: WebhookDeliveryRecord[]): SafeHtml {
  const rows = deliveries.map(
    (d) => html`<tr><td>${when(d.createdAt)}<br><code>${d.id}</code></td><td><code>${d.eventType}</code></td><td>${badge(d.status, statusTone(d.status))}</td>
<td>${d.attempts}</td><td>${lastResponse(d)}</td><td>${d.status === 'pending' ? html`next ${when(d.nextAttemptAt)}` : when(d.deliveredAt)}</td></tr>`,
  );
  return table(['Created', 'Event type', 'Status', 'Attempts', 'Last response', 'Delivered'], rows, 'No deliveries yet.');
}

export function webhookPage(e: WebhookEndpointRecord, deliveries: WebhookDeliveryRecord[]): string {
  const body = html`<h1>Webhook endpoint</h1>
<section class="card"><dl><dt>URL</dt><dd><code>${e.url}</code></dd><dt>ID</dt><dd><code>${e.id}</code></dd>
${e.description ? html`<dt>Description</dt><dd>${e.description}</dd>` : ''}
<dt>Organization</dt><dd>${organizationCell(e.organizationId)}</dd><dt>Events</dt><dd>${eventsCell(e.events)}</dd>
<dt>State</dt><dd>${stateCell(e)}</dd><dt>Failing since</dt><dd>${failingCell(e)}</dd><dt>Created</dt><dd>${when(e.createdAt)}</dd></dl></section>
<section class="card"><h2>Recent deliveries</h2><p class="hint">The ${deliveries.length === 1 ? 'most recent delivery' : `${deliveries.length} most recent deliveries`}, newest first.</p>
${deliveriesTable(deliveries)}</section>`;
  return consolePage('Webhook endpoint', body);
}
