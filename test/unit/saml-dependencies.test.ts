// Guards on the SAML stack itself: versions below these have signature-bypass CVEs, and product
// code reaches xml-crypto only through node-saml (the tests' IdP may use it directly).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url).pathname;

function installedVersion(name: string, from: string): number[] {
  const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`, { paths: [from] }), 'utf8')) as { version: string };
  return pkg.version.split('.').map(Number);
}
const atLeast = (version: number[], minimum: number[]) => {
  for (let i = 0; i < minimum.length; i++) if ((version[i] ?? 0) !== minimum[i]) return (version[i] ?? 0) > minimum[i]!;
  return true;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'generated' || entry === 'node_modules') return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|mjs|js)$/.test(entry) ? [path] : [];
  });
}

describe('SAML dependencies', () => {
  it('node-saml >= 5.1.0 and the xml-crypto it uses >= 6.0.1', () => {
    assert.ok(atLeast(installedVersion('@node-saml/node-saml', root), [5, 1, 0]));
    const nodeSaml = require.resolve('@node-saml/node-saml/package.json', { paths: [root] });
    assert.ok(atLeast(installedVersion('xml-crypto', nodeSaml), [6, 0, 1]));
  });

  it('no product code imports xml-crypto directly', () => {
    const offenders = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'connectors'))].filter((file) => /from ['"]xml-crypto['"]|require\(['"]xml-crypto['"]\)/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
