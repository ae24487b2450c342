import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A data directory another live process owns; opening it too would corrupt PGlite's files. */
export class DataDirInUseError extends Error {
  readonly code = 'DATA_DIR_IN_USE';

  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`embedded PostgreSQL in ${dir} is in use by process ${pid}; stop it or set DATABASE_URL`);
    this.name = 'DataDirInUseError';
  }
}

export interface LockFile {
  readonly path: string;
  release(): Promise<void>;
}

// Locks this process holds: a lock file naming our own PID but absent here was left by an earlier process that had
// the same PID (common in containers, where the app is often PID 1).
const held = new Set<string>();

/**
 * Takes `file` for this process, writing our PID into it. A lock whose PID is dead (or is ours from an earlier life)
 * is stale and taken over; a live owner gives DataDirInUseError naming `dir`.
 */
export async function acquireLockFile(file: string, dir: string): Promise<LockFile> {
  const lockPath = path.resolve(file);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreate(lockPath)) {
      held.add(lockPath);
      return { path: lockPath, release: () => release(lockPath) };
    }
    const owner = await readOwner(lockPath);
    if (owner === undefined) continue; // the owner released it between our two calls
    if (owner === process.pid ? held.has(lockPath) : isAlive(owner)) throw new DataDirInUseError(dir, owner);
    // Two processes taking over the same stale lock at once could both win; that needs a dead owner and a
    // simultaneous double start, which is rare enough for a zero-config development default.
    await unlink(lockPath).catch(ignoreMissing);
  }
  throw new Error(`could not take the lock ${lockPath}`);
}

// link() publishes a fully written file atomically and fails if one exists, so no reader ever sees it half written.
async function tryCreate(lockPath: string): Promise<boolean> {
  const tmp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, `${process.pid}\n`);
  try {
    await link(tmp, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tmp).catch(ignoreMissing);
  }
}

/** The PID in the lock, 0 when unreadable (treated as dead), undefined when the file is gone. */
async function readOwner(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function release(lockPath: string): Promise<void> {
  if (!held.delete(lockPath)) return;
  await unlink(lockPath).catch(ignoreMissing);
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
