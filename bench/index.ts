// `npm run bench`: prints each benchmark's figures as Markdown, ready for docs/benchmarks.md.
// Needs the local Postgres for the end-to-end figures (as the tests do).
import { availableParallelism, cpus } from 'node:os';
import { releaseTestResources } from '../test/support/services.js';
import { benchSamlAcs } from './saml-acs.js';
import { benchSamlChecks } from './saml-checks.js';
import { benchSamlVerifier } from './saml-verifier.js';
import { benchScim } from './scim.js';
import { benchWebhooks } from './webhooks.js';

async function main(): Promise<void> {
  const out = (lines: string[]) => process.stdout.write(`${lines.join('\n')}\n\n`);
  out([`# Gatehouse benchmarks`, '', `Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${new Date().toISOString()}`]);
  const only = process.argv[2];
  if (only === 'scim' || only === undefined) {
    process.stderr.write('SCIM over HTTP and Postgres...\n');
    out(['## SCIM', '', ...(await benchScim())]);
  }
  if (only === 'scim') return;
  if (only === 'webhooks' || only === undefined) {
    process.stderr.write('Webhooks: SCIM change to delivery, 2 workers...\n');
    out(['## Webhooks', '', ...(await benchWebhooks())]);
  }
  if (only === 'webhooks') return;
  if (only === 'acs') {
    out(['## SAML ACS to code', '', ...(await benchSamlAcs())]);
    return;
  }
  process.stderr.write('SAML checks...\n');
  out(['## SAML response checks', '', ...(await benchSamlChecks())]);
  process.stderr.write('SAML verifiers side by side...\n');
  out(['## SAML verifiers: fast and node-saml', '', ...(await benchSamlVerifier())]);
  process.stderr.write('SAML ACS-to-code over HTTP and Postgres...\n');
  out(['## SAML ACS to code', '', ...(await benchSamlAcs())]);
}

main()
  .then(releaseTestResources)
  .then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
