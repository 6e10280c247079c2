// The look shared by the setup portal and the operator console: one stylesheet inline (no CDN, no
// build step), accessible structure (landmarks, labels, alerts), and one small script served from
// our own origin (copy buttons) that the pages work without.
import { html, type SafeHtml } from '../html.js';

export const PORTAL_SCRIPT_PATH = '/portal/assets/portal.js';

const STYLE = `
:root{--ink:#1d2330;--muted:#5b6475;--line:#d5d9e0;--bg:#f6f7f9;--accent:#2d5bd7;--bad:#b42318;--good:#067647}
*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:0;background:var(--bg);color:var(--ink)}
header{background:#fff;border-bottom:1px solid var(--line);padding:.75rem 1.5rem;display:flex;gap:1rem;align-items:center}
header strong{font-size:1.05rem}header nav a{margin-right:1rem;color:var(--accent);text-decoration:none}
main{max-width:52rem;margin:2rem auto;padding:0 1.25rem}
section.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.5rem;margin-bottom:1.25rem}
h1{font-size:1.45rem;margin:0 0 1rem}h2{font-size:1.15rem;margin:0 0 .75rem}
label{display:block;font-weight:600;margin:.9rem 0 .25rem}.hint{color:var(--muted);font-size:.9rem;margin:.15rem 0}
input[type=text],input[type=url],input[type=password],textarea,select{font:inherit;width:100%;padding:.5rem .65rem;border:1px solid var(--line);border-radius:8px;background:#fff}
textarea{min-height:10rem;font-family:ui-monospace,monospace;font-size:.85rem}
button,.button{font:inherit;display:inline-block;padding:.5rem 1rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;margin-top:1rem}
.button.secondary,button.secondary{background:#fff;color:var(--accent)}
.field-error{color:var(--bad);font-weight:600;margin:.25rem 0}[aria-invalid=true]{border-color:var(--bad)}
.alert{border-radius:8px;padding:.75rem 1rem;margin:.75rem 0}.alert.bad{background:#fef3f2;color:var(--bad)}.alert.good{background:#ecfdf3;color:var(--good)}
.value{display:flex;gap:.5rem;align-items:center}.value code{flex:1;background:#eef0f4;padding:.4rem .6rem;border-radius:6px;overflow-wrap:anywhere}
.value button{margin:0;padding:.3rem .7rem;font-size:.85rem}
ol.steps li{margin:.4rem 0}table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.75rem}.grid a{display:block;padding:1rem;border:1px solid var(--line);border-radius:10px;background:#fff;color:inherit;text-decoration:none}
.grid a:hover,.grid a:focus{border-color:var(--accent)}.status{font-size:.8rem;padding:.1rem .5rem;border-radius:99px;background:#eef0f4}
.status.active,.status.succeeded{background:#ecfdf3;color:var(--good)}.status.failed,.status.inactive{background:#fef3f2;color:var(--bad)}
pre{background:#eef0f4;padding:.75rem;border-radius:8px;overflow:auto;font-size:.85rem}
`;

export interface PageOptions {
  /** Shown in the header next to the product name. */
  context?: string;
  nav?: Array<{ href: string; label: string }>;
  /** Reload the page this often (a live status page that needs no script). */
  refreshSeconds?: number;
}

export function portalPage(title: string, body: SafeHtml, options: PageOptions = {}): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${title} · Gatehouse</title><style>${STYLE}</style>
<script defer src="${PORTAL_SCRIPT_PATH}"></script></head>
<body><header><strong>Gatehouse</strong>${options.context ? html`<span>${options.context}</span>` : ''}
${options.nav ? html`<nav aria-label="Sections">${options.nav.map((n) => html`<a href="${n.href}">${n.label}</a>`)}</nav>` : ''}</header>
<main>${body}</main></body></html>
`.text;
}

/** A value the admin pastes into their IdP, with a copy button (a script enhancement). */
export function copyable(label: string, value: string, id: string): SafeHtml {
  return html`<div><label for="${id}">${label}</label><div class="value"><code id="${id}">${value}</code><button type="button" class="secondary" data-copy="${id}" hidden>Copy</button></div></div>`;
}

/** The progressive enhancement: copy buttons appear only where they can work. */
export const PORTAL_SCRIPT = `document.querySelectorAll('[data-copy]').forEach(function (b) {
  if (!navigator.clipboard) return;
  b.hidden = false;
  b.addEventListener('click', function () {
    var text = document.getElementById(b.getAttribute('data-copy')).textContent;
    navigator.clipboard.writeText(text).then(function () { b.textContent = 'Copied'; setTimeout(function () { b.textContent = 'Copy'; }, 1500); });
  });
});
`;
