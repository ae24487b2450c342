import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { acquireLockFile, DataDirInUseError } from '../../db/lock-file.js';
import { tempDir } from './helpers.js';

let dir: string;
let remove: () => Promise<void>;
let lockPath: string;

beforeEach(async () => {
  ({ dir, remove } = await tempDir('lookout-lock-'));
  lockPath = path.join(dir, 'lookout.lock');
});
afterEach(async () => await remove());

/** The PID of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

test('writes our PID, refuses a second taker in this process, and releases', async () => {
  const lock = await acquireLockFile(lockPath, dir);
  expect(await readFile(lockPath, 'utf8')).toBe(`${process.pid}\n`);

  const second = acquireLockFile(lockPath, dir);
  await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
  await expect(second).rejects.toMatchObject({
    code: 'DATA_DIR_IN_USE',
    pid: process.pid,
    message: `embedded PostgreSQL in ${dir} is in use by process ${process.pid}; stop it or set DATABASE_URL`,
  });

  await lock.release();
  await lock.release();
  expect(await readdir(dir)).toEqual([]);
  const again = await acquireLockFile(lockPath, dir);
  await again.release();
});

test('refuses a lock held by another live process', async () => {
  const sleeper = spawn('sleep', ['30']);
  try {
    await writeFile(lockPath, `${sleeper.pid}\n`);
    await expect(acquireLockFile(lockPath, dir)).rejects.toThrow(
      `embedded PostgreSQL in ${dir} is in use by process ${sleeper.pid}; stop it or set DATABASE_URL`,
    );
    expect(await readFile(lockPath, 'utf8')).toBe(`${sleeper.pid}\n`);
  } finally {
    sleeper.kill();
  }
});

test.each([
  ['a dead process', async () => `${await deadPid()}\n`],
  ['an earlier process that had our PID', async () => `${process.pid}\n`],
  ['unreadable content', async () => 'garbage'],
])('takes over a stale lock left by %s', async (_, content) => {
  await writeFile(lockPath, await content());
  const lock = await acquireLockFile(lockPath, dir);
  expect(await readFile(lockPath, 'utf8')).toBe(`${process.pid}\n`);
  await lock.release();
});

test('concurrent takers in one process: exactly one wins', async () => {
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => acquireLockFile(lockPath, dir)));
  const won = results.filter((r) => r.status === 'fulfilled');
  expect(won).toHaveLength(1);
  expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
    Array(4).fill('DATA_DIR_IN_USE'),
  );
  await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLockFile>>>).value.release();
  expect(await readdir(dir)).toEqual([]);
});
