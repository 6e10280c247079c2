// A benchmark's gateway in its own process: the script prints one JSON line (how to reach it)
// and serves until its stdin closes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export async function spawnGateway<Info>(script: URL): Promise<Info & { close(): Promise<void> }> {
  const profile = [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', fileURLToPath(script)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      if (buffered.includes('\n')) resolve(buffered.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`benchmark gateway exited with ${code}`)));
  });
  const close = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    });
  return { ...(JSON.parse(line) as Info), close };
}
