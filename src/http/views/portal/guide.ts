// A preset's setup guide as HTML: each {{value}} becomes the exact value to paste (escaped, in
// <code>), and the values are listed once more above the steps with copy buttons.
import { html, type SafeHtml } from '../html.js';
import { copyable } from './layout.js';

export type GuideValues = Record<string, string>;

const LABELS: Record<string, string> = {
  acs_url: 'ACS URL (Single sign-on URL, Reply URL)',
  sp_entity_id: 'SP entity ID (Audience URI, Identifier)',
  sp_metadata_url: 'SP metadata URL',
  oidc_redirect_uri: 'Redirect URI',
  scim_base_url: 'SCIM base URL (Tenant URL)',
  scim_token: 'SCIM bearer token (Secret Token)',
};

function step(text: string, values: GuideValues): SafeHtml {
  const parts = text.split(/(\{\{[a-z_.]+\}\})/g).map((part) => {
    const name = /^\{\{([a-z_.]+)\}\}$/.exec(part)?.[1];
    return name === undefined ? part : html`<code>${values[name] ?? part}</code>`;
  });
  return html`<li>${parts}</li>`;
}

/** The values this guide uses, in the order they first appear. */
function used(steps: readonly string[]): string[] {
  return [...new Set(steps.flatMap((s) => [...s.matchAll(/\{\{([a-z_.]+)\}\}/g)].map((m) => m[1]!)))];
}

export function renderGuide(steps: readonly string[], values: GuideValues): SafeHtml {
  const names = used(steps).filter((n) => values[n] !== undefined);
  const urls = names.filter((n) => LABELS[n]);
  const attributes = names.filter((n) => n.startsWith('attr.'));
  return html`${urls.map((n) => copyable(LABELS[n]!, values[n]!, `value-${n.replace(/\W/g, '-')}`))}
${attributes.length > 0 ? html`<p class="hint">Attribute names: ${attributes.map((n, i) => html`${i > 0 ? ', ' : ''}<code>${values[n]}</code> (${n.slice(5).replace('_', ' ')})`)}</p>` : ''}
<ol class="steps">${steps.map((s) => step(s, values))}</ol>`;
}
