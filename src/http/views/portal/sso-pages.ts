// Single sign-on in the setup portal: choose the identity provider, follow its steps and give its
// details, run a test sign-in, see what came back, go live.
import type { IdpPreset } from '../../../sso/connector.js';
import type { ConnectionRecord } from '../../../store/records.js';
import type { ConnectionTestRecord } from '../../../store/setup-data.js';
import { html, type SafeHtml } from '../html.js';
import { renderGuide, type GuideValues } from './guide.js';
import { explainFailure } from './hints.js';
import { portalPage, type PageOptions } from './layout.js';

export type FieldErrors = Record<string, string>;

export function chooseIdpPage(presets: IdpPreset[], base: string, heading: string, page: PageOptions): string {
  const items = presets.map((p) => html`<a href="${base}/${p.name}"><strong>${p.label}</strong></a>`);
  return portalPage(heading, html`<h1>${heading}</h1><p>Which identity provider do you use?</p><nav class="grid" aria-label="Identity providers">${items}</nav>`, page);
}

function field(name: string, label: string, errors: FieldErrors, control: SafeHtml, hint?: string): SafeHtml {
  const error = errors[name];
  return html`<label for="${name}">${label}</label>${hint ? html`<p class="hint" id="${name}-hint">${hint}</p>` : ''}${control}${error ? html`<p class="field-error" id="${name}-error" role="alert">${error}</p>` : ''}`;
}

const described = (name: string, errors: FieldErrors) => [errors[name] ? `${name}-error` : '', `${name}-hint`].filter(Boolean).join(' ');

function samlForm(errors: FieldErrors, values: Record<string, string>): SafeHtml {
  const invalid = (n: string) => (errors[n] ? 'true' : 'false');
  return html`${field('metadata_url', 'Metadata URL', errors, html`<input type="url" id="metadata_url" name="metadata_url" value="${values.metadata_url ?? ''}" aria-invalid="${invalid('metadata_url')}" aria-describedby="${described('metadata_url', errors)}">`, 'Where your identity provider publishes its SAML metadata (preferred: certificate changes are then picked up by themselves).')}
${field('metadata_file', 'Or upload the metadata file', errors, html`<input type="file" id="metadata_file" name="metadata_file" accept=".xml,application/xml,text/xml,application/samlmetadata+xml" aria-describedby="${described('metadata_file', errors)}">`, 'The XML file your identity provider lets you download.')}
${field('metadata_xml', 'Or paste the metadata XML', errors, html`<textarea id="metadata_xml" name="metadata_xml" spellcheck="false" aria-invalid="${invalid('metadata_xml')}" aria-describedby="${described('metadata_xml', errors)}">${values.metadata_xml ?? ''}</textarea>`, 'Starts with <?xml or <EntityDescriptor.')}`;
}

function oidcForm(errors: FieldErrors, values: Record<string, string>): SafeHtml {
  const input = (name: string, type: string) => html`<input type="${type}" id="${name}" name="${name}" value="${type === 'password' ? '' : (values[name] ?? '')}" aria-invalid="${errors[name] ? 'true' : 'false'}" aria-describedby="${described(name, errors)}"${type === 'password' ? html` autocomplete="off"` : ''}>`;
  return html`${field('issuer', 'Issuer URL', errors, input('issuer', 'url'), 'For example https://login.example.com (Gatehouse reads its /.well-known/openid-configuration).')}
${field('client_id', 'Client ID', errors, input('client_id', 'text'))}
${field('client_secret', 'Client secret', errors, input('client_secret', 'password'), 'Kept encrypted; never shown again.')}`;
}

export interface ConfigurePage {
  preset: IdpPreset;
  values: GuideValues;
  errors: FieldErrors;
  form: Record<string, string>;
  formError?: string | undefined;
  page: PageOptions;
}

export function configurePage(p: ConfigurePage): string {
  const guide = p.preset.guide!;
  const form = guide.sso.protocol === 'saml' ? samlForm(p.errors, p.form) : oidcForm(p.errors, p.form);
  const body = html`<h1>${p.preset.label}: single sign-on</h1>
<section class="card"><h2>1. In ${p.preset.label}</h2>${renderGuide(guide.sso.steps, p.values)}</section>
<section class="card"><h2>2. Give us ${p.preset.label}’s details</h2>
${p.formError ? html`<p class="alert bad" role="alert">${p.formError}</p>` : ''}
<form method="post" action="/setup/sso/${p.preset.name}" enctype="multipart/form-data" novalidate>${form}
<button type="submit">Save and continue</button></form></section>`;
  return portalPage(`${p.preset.label} single sign-on`, body, p.page);
}

function testSummary(test: ConnectionTestRecord | undefined): SafeHtml {
  if (!test) return html`<p>No test sign-in yet.</p>`;
  const when = test.createdAt.toISOString().slice(0, 16).replace('T', ' ');
  return test.outcome === 'succeeded'
    ? html`<p class="alert good">The last test sign-in (${when} UTC) succeeded. <a href="/setup/tests/${test.id}">See what was received</a>.</p>`
    : html`<p class="alert bad">The last test sign-in (${when} UTC) failed: ${explainFailure(test.errorCode).title}. <a href="/setup/tests/${test.id}">See why</a>.</p>`;
}

export function testPage(connection: ConnectionRecord, test: ConnectionTestRecord | undefined, page: PageOptions, activateError?: string): string {
  const live = connection.status === 'active';
  const tested = test?.outcome === 'succeeded' && test.createdAt >= connection.updatedAt;
  const body = html`<h1>Test and go live</h1>
<section class="card"><h2>${connection.name} <span class="status ${connection.status}">${connection.status}</span></h2>
${testSummary(test)}
<form method="post" action="/setup/sso/test"><button type="submit">Test sign-in</button></form>
<p class="hint">You sign in at your identity provider; nobody is signed in to the application by the test.</p></section>
${live ? html`<section class="card"><p class="alert good">Single sign-on is live: your people can sign in.</p></section>` : html`<section class="card"><h2>Go live</h2>
${activateError ? html`<p class="alert bad" role="alert">${activateError}</p>` : ''}
<form method="post" action="/setup/sso/activate">${tested ? '' : html`<label><input type="checkbox" name="override" value="yes"> Activate without a successful test</label>`}
<button type="submit">Activate single sign-on</button></form></section>`}`;
  return portalPage('Test and go live', body, page);
}

function table(rows: Array<[string, unknown]>): SafeHtml {
  return html`<table><tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${typeof v === 'string' ? v : JSON.stringify(v)}</td></tr>`)}</tbody></table>`;
}

export function testResultPage(test: ConnectionTestRecord, page: PageOptions): string {
  const body =
    test.outcome === 'succeeded'
      ? html`<h1>Test sign-in succeeded</h1><section class="card"><h2>The profile the application receives</h2>${table(Object.entries(test.profile ?? {}))}</section>
<section class="card"><h2>Attributes your identity provider sent</h2>${table(Object.entries(test.rawAttributes ?? {}))}</section>`
      : html`<h1>Test sign-in failed</h1><section class="card"><p class="alert bad" role="alert"><strong>${explainFailure(test.errorCode).title}</strong>${test.errorDetail ? html`: ${test.errorDetail}` : ''}</p>
<p>${explainFailure(test.errorCode).hint}</p><p class="hint">${test.errorMessage} (code ${test.errorCode})</p></section>`;
  return portalPage(test.outcome === 'succeeded' ? 'Test succeeded' : 'Test failed', html`${body}<p><a class="button" href="/setup/sso/test">Back to testing</a></p>`, page);
}
