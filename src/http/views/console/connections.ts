// An organization's connections in the console: type, status, and for SAML the expiry of every IdP
// signing certificate, marked when it is expired or expires within 30 days (logins fail after).
import type { ConnectionView } from '../../../admin/connections.js';
import { html, type SafeHtml } from '../html.js';
import { badge, statusTone, table, when } from './layout.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What connectors/saml/describe.ts reports per IdP certificate (CertificateSummary, or an error). */
interface CertificateState {
  notAfter: Date | null;
  subject: string;
  expired: boolean;
  expiresSoon: boolean;
  error: string | null;
}

function certificateState(value: unknown): CertificateState {
  const c = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const notAfter = typeof c.not_after === 'string' ? new Date(c.not_after) : null;
  return {
    notAfter: notAfter && !Number.isNaN(notAfter.getTime()) ? notAfter : null,
    subject: typeof c.subject === 'string' ? c.subject : '',
    expired: c.expired === true,
    expiresSoon: c.expires_soon === true,
    error: typeof c.error === 'string' ? c.error : notAfter ? null : 'no expiry date',
  };
}

export function idpCertificates(view: ConnectionView): CertificateState[] {
  const list = view.described.idp_certificates_status;
  return Array.isArray(list) ? list.map(certificateState) : [];
}

function certificateItem(cert: CertificateState, now: Date): SafeHtml {
  if (cert.error !== null || cert.notAfter === null) return html`<li>${badge(cert.error ?? 'unreadable certificate', 'bad')}</li>`;
  const subject = cert.subject ? html` <span class="hint">${cert.subject}</span>` : '';
  if (cert.expired) return html`<li><mark>${when(cert.notAfter)}</mark> ${badge('expired', 'bad')}${subject}</li>`;
  if (cert.expiresSoon) {
    const days = Math.max(0, Math.ceil((cert.notAfter.getTime() - now.getTime()) / DAY_MS));
    return html`<li><mark>${when(cert.notAfter)}</mark> ${badge(`expires in ${days} day${days === 1 ? '' : 's'}`, 'bad')}${subject}</li>`;
  }
  return html`<li>${when(cert.notAfter)}${subject}</li>`;
}

function certificatesCell(view: ConnectionView, now: Date): SafeHtml {
  if (view.connection.type !== 'saml') return html`<span class="hint">not applicable</span>`;
  const certs = idpCertificates(view);
  if (certs.length === 0) return html`<span class="hint">none configured</span>`;
  return html`<ul>${certs.map((c) => certificateItem(c, now))}</ul>`;
}

export function connectionsTable(views: ConnectionView[], now: Date): SafeHtml {
  const rows = views.map((view) => {
    const c = view.connection;
    return html`<tr><td>${c.name}<br><code>${c.id}</code></td><td>${c.type}${c.preset ? html` (${c.preset})` : ''}</td>
<td>${badge(c.status, statusTone(c.status))}</td><td>${certificatesCell(view, now)}</td><td>${when(c.createdAt)}</td></tr>`;
  });
  return table(['Connection', 'Type', 'Status', 'IdP signing certificates (expiry)', 'Created'], rows, 'No connections.');
}
