// `npm run fuzz -- [--cases N] [--seed S] [--out file.json] [--only i,j,...]`: the long
// differential fuzz run of the fast SAML verifier against node-saml (test/support/saml-fuzz/). Progress goes to stderr; stdout
// gets a table of outcomes by mutation kind, the fast-only refusals by documented reason, and every
// failure with its smallest reproducing mutations. --out writes the failures and one example of
// each disagreement cause, XML included, to replay by hand. Exit code 1 on any failure: a
// fast-only accept, an identity mismatch, a throw, or a check slower than the limit. --only replays
// just the listed case numbers of that seed (the same cases as in the full run, --cases must reach them).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { differentialFuzz, FAST_LIMIT_MS, type FuzzReport, type Outcome } from '../test/support/saml-fuzz/run.js';

const OUTCOMES: readonly Outcome[] = ['agree-accept', 'agree-reject', 'fast-only-reject', 'fast-only-accept', 'accept-mismatch', 'fast-threw'];

/** Numbers right-aligned, text (the first and any last free-text column) left-aligned. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const left = (cell: string, i: number) => i === 0 || !/^\d+$/.test(cell.trim());
  return rows.map((r) => r.map((cell, i) => (left(cell, i) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** `inner:x` and `inner:x+resign` are x applied inside the ciphertext: one row with x. */
function byKind(report: FuzzReport): string {
  const merged = new Map<string, Partial<Record<Outcome, number>>>();
  for (const [kind, counts] of Object.entries(report.byKind)) {
    const row = merged.get(kind.replace(/^inner:/, '').replace(/\+resign$/, '')) ?? {};
    for (const o of OUTCOMES) row[o] = (row[o] ?? 0) + (counts[o] ?? 0);
    merged.set(kind.replace(/^inner:/, '').replace(/\+resign$/, ''), row);
  }
  const rows = [...merged]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, counts]) => [kind, ...OUTCOMES.map((o) => String(counts[o] ?? 0))]);
  return table([['kind', ...OUTCOMES], ...rows, ['(all cases)', ...OUTCOMES.map((o) => String(report.counts[o]))]]);
}

function byReason(report: FuzzReport): string {
  const reasons = new Map<string, Map<string, number>>();
  for (const c of report.fastOnlyRejects) {
    const causes = reasons.get(c.reason ?? 'UNEXPLAINED') ?? new Map<string, number>();
    causes.set(c.cause!, (causes.get(c.cause!) ?? 0) + 1);
    reasons.set(c.reason ?? 'UNEXPLAINED', causes);
  }
  const rows = [...reasons].map(([reason, causes]) => {
    const total = [...causes.values()].reduce((a, b) => a + b, 0);
    const top = [...causes].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([cause, n]) => `${cause} (${n})`).join('; ');
    return [reason, String(total), top];
  });
  return rows.length === 0 ? '(none)' : table([['reason', 'cases', 'most frequent causes'], ...rows.sort((a, b) => Number(b[1]) - Number(a[1]))]);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '20000' }, seed: { type: 'string', default: '20261202' }, out: { type: 'string' }, only: { type: 'string' } } });
  const cases = Number(values.cases);
  const seed = Number(values.seed);
  const only = values.only === undefined ? undefined : new Set(values.only.split(',').map(Number));
  if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(seed) || (only && [...only].some((i) => !Number.isInteger(i) || i < 0 || i >= cases))) {
    console.error('Usage: npm run fuzz -- [--cases N] [--seed S] [--out file.json] [--only i,j,... (each below N)]');
    return 2;
  }
  console.error(`Fuzzing ${cases} cases, seed ${seed}...`);
  const step = Math.max(1, Math.round(cases / 40));
  const report = await differentialFuzz({
    seed,
    cases,
    ...(only ? { only } : {}),
    onCase: (result, r) => {
      if (result.outcome === 'fast-only-accept' || result.outcome === 'accept-mismatch' || result.outcome === 'fast-threw' || result.slow) {
        console.error(`  FAILURE #${result.index} ${result.outcome}${result.slow ? ' (slow)' : ''}: ${result.base} ${result.cause ?? result.kinds.join(' + ')}`);
      }
      if (r.cases % step === 0 || r.cases === cases) {
        const rate = r.cases / (r.elapsedMs / 1000);
        console.error(`  ${r.cases}/${cases} (${rate.toFixed(0)}/s, ${((cases - r.cases) / rate).toFixed(0)} s left): ${r.counts['fast-only-reject']} fast-only refusals, ${r.failures.length} failures`);
      }
    },
  });
  console.log(`\n${report.cases} cases, seed ${seed}, ${(report.elapsedMs / 1000).toFixed(1)} s; slowest fast check ${report.maxFastMs.toFixed(1)} ms (limit ${FAST_LIMIT_MS}); node-saml threw on ${report.referenceThrew}\n`);
  console.log(`Outcomes by mutation kind (a case counts under each kind it applied; inner:* folded into their kind):\n\n${byKind(report)}\n`);
  console.log(`Fast-only refusals by reason (docs/saml-verifier.md, "Differential fuzzing"):\n\n${byReason(report)}\n`);
  const failures = report.failures;
  console.log(failures.length === 0 ? 'No failures.' : `${failures.length} FAILURES:`);
  for (const f of failures) console.log(`  #${f.index} ${f.outcome}${f.slow ? ' (slow)' : ''} ${f.base} cause: ${f.cause ?? f.kinds.join(' + ')}\n    fast: ${f.minimal?.fast ?? f.fast}\n    node-saml: ${f.minimal?.reference ?? f.reference}`);
  const unexplained = report.fastOnlyRejects.filter((c) => c.reason === undefined);
  if (unexplained.length > 0) console.log(`\n${unexplained.length} fast-only refusals match no documented reason (the fuzz test fails on these):`);
  for (const c of unexplained) console.log(`  #${c.index} ${c.base} cause: ${c.cause}\n    fast: ${c.minimal!.fast}\n    node-saml: ${c.minimal!.reference}`);
  if (values.out) {
    writeFileSync(values.out, JSON.stringify({ seed, cases, counts: report.counts, failures, unexplained, causes: report.byCause }, null, 2));
    console.error(`Wrote ${values.out}`);
  }
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
