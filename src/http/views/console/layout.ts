// The operator console's frame and small pieces: the setup portal's look with the console's nav,
// dates as "2026-01-31 09:30 UTC" (the full ISO time in <time datetime>), status badges that say
// their state in words, tables with column headers, and "next page" links carrying the cursor.
import { html, type SafeHtml } from '../html.js';
import { portalPage } from '../portal/layout.js';

export const CONSOLE_NAV = [
  { href: '/console', label: 'Overview' },
  { href: '/console/organizations', label: 'Organizations' },
  { href: '/console/webhooks', label: 'Webhooks' },
  { href: '/console/audit-logs', label: 'Audit log' },
];

export function consolePage(title: string, body: SafeHtml, options: { nav?: boolean } = {}): string {
  return portalPage(title, body, { context: 'Operator console', ...(options.nav === false ? {} : { nav: CONSOLE_NAV }) });
}

export function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A date for a table cell; `none` when there is none. */
export function when(date: Date | null | undefined, none = '—'): SafeHtml {
  if (!date || Number.isNaN(date.getTime())) return html`${none}`;
  return html`<time datetime="${date.toISOString()}">${utc(date)}</time>`;
}

export type Tone = 'good' | 'bad' | 'neutral';
const TONE_CLASS: Record<Tone, string> = { good: 'status active', bad: 'status failed', neutral: 'status' };

export function badge(label: string, tone: Tone): SafeHtml {
  return html`<span class="${TONE_CLASS[tone]}">${label}</span>`;
}

export function statusTone(status: string): Tone {
  if (['active', 'succeeded', 'success', 'enabled'].includes(status)) return 'good';
  if (['inactive', 'failed', 'failure', 'disabled', 'expired', 'revoked'].includes(status)) return 'bad';
  return 'neutral';
}

export function table(headers: readonly string[], rows: readonly SafeHtml[], empty: string): SafeHtml {
  if (rows.length === 0) return html`<p class="hint">${empty}</p>`;
  return html`<table><thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** A link to the next page of a cursor-paginated list, when there is one. */
export function nextPage(path: string, cursorName: string, cursor: string | null, query: Record<string, string | undefined> = {}, label = 'Next page'): SafeHtml {
  if (cursor === null) return html``;
  const params = new URLSearchParams(Object.entries({ ...query, [cursorName]: cursor }).filter((e): e is [string, string] => e[1] !== undefined));
  return html`<p><a class="button secondary" href="${`${path}?${params.toString()}`}">${label}</a></p>`;
}

/** A sub-list that shows only its first entries, or why it shows nothing (a scope the key lacks). */
export type Section<T> = { items: T[]; more: boolean } | { missingScope: string };

export function section<T>(title: string, s: Section<T>, render: (items: T[]) => SafeHtml): SafeHtml {
  const body =
    'missingScope' in s
      ? html`<p class="alert bad">This admin key lacks the <code>${s.missingScope}</code> scope, so this list is hidden.</p>`
      : html`${render(s.items)}${s.more ? html`<p class="hint">Showing the first ${s.items.length}.</p>` : ''}`;
  return html`<section class="card"><h2>${title}</h2>${body}</section>`;
}

const TITLES: Record<number, string> = { 400: 'Bad request', 401: 'Sign in required', 403: 'Access denied', 404: 'Page not found', 409: 'Conflict', 410: 'Gone' };

export function consoleErrorPage(status: number, message: string, requestId: string, signedIn: boolean): string {
  const title = TITLES[status] ?? 'Request failed';
  const hint =
    status === 401 || status === 403
      ? html`<p class="hint">The console needs a deployment-wide admin API key (not scoped to an organization) with the read scopes of the pages you open. Give it as the password when your browser asks.</p>`
      : '';
  const body = html`<section class="card"><h1>${title}</h1><p class="alert bad" role="alert">${message}</p>${hint}
<p class="hint">Error ${status} · Request ID <code>${requestId}</code></p>${signedIn ? html`<p><a href="/console">Back to the overview</a></p>` : ''}</section>`;
  return consolePage(title, body, { nav: signedIn });
}
