// The embedded default's on-disk home: the PGlite files, the generated encryption key, and a lock
// so two processes never open the same PGlite directory (it is single-process and would corrupt).
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function dataPath(dataDir: string, ...parts: string[]): string {
  return join(resolve(dataDir), ...parts);
}

/** The key the embedded default seals secrets with: made once, kept beside the data (mode 0600). */
export function loadOrCreateEncryptionKey(dataDir: string): Buffer {
  const file = dataPath(dataDir, 'encryption-key');
  mkdirSync(resolve(dataDir), { recursive: true, mode: 0o700 });
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

export class DataDirInUse extends Error {}

/** Exclusive use of the data directory; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const file = dataPath(dataDir, 'gatehouse.pid');
  mkdirSync(resolve(dataDir), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (isAlive(holder)) {
        throw new DataDirInUse(
          `The embedded database in ${resolve(dataDir)} is in use by another Gatehouse process (pid ${holder}). ` +
            'Stop it first, or use the admin API of the running gateway.',
        );
      }
      rmSync(file, { force: true }); // left behind by a process that died
    }
  }
  throw new DataDirInUse(`Could not lock ${file}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
