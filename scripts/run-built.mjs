// `node scripts/run-built.mjs worker/main.ts` (npm run worker / npm run server): runs an entry point as plain
// JavaScript from .build/<id>/, transpiled file by file with esbuild, rather than through tsx, whose module loader costs a
// long-lived process over 100 MB. It transpiles only when a source is newer than the last build, so an image built with
// `npm run build` starts without writing. `--build` transpiles and exits.
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const builds = path.join(root, '.build');
/** What the worker and the server are made of (tests and scripts stay on tsx). */
const sourceDirs = ['activities', 'core', 'db', 'migrations', 'sandbox', 'server', 'slack', 'worker', 'workflows'];

function sources() {
  return sourceDirs.flatMap((dir) => {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) return [];
    return fs.readdirSync(full, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => path.join(full, f));
  });
}

/** Builds (and leftover temporary dirs) untouched for a day: no process started from them still needs them. */
function pruneOlderBuilds() {
  if (!fs.existsSync(builds)) return;
  for (const name of fs.readdirSync(builds)) {
    const full = path.join(builds, name);
    if (Date.now() - fs.statSync(full).mtimeMs > 86_400_000) fs.rmSync(full, { recursive: true, force: true });
  }
}

/**
 * Transpiles into .build/<id>, the id naming the sources' paths, sizes and times: a process never sees a build change
 * under it, and the worker and the server started together agree on one (the loser of a race uses the winner's).
 */
async function build() {
  const files = sources().sort();
  const hash = createHash('sha256');
  for (const f of files) {
    const { size, mtimeMs } = fs.statSync(f);
    hash.update(`${path.relative(root, f)}\0${size}\0${mtimeMs}\n`);
  }
  // This script's own text too: a change to how it transpiles makes a new build.
  hash.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  const dir = path.join(builds, hash.digest('hex').slice(0, 16));
  if (fs.existsSync(dir)) return dir;
  pruneOlderBuilds();
  const { build: esbuild } = await import('esbuild');
  fs.mkdirSync(builds, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(builds, 'tmp-'));
  try {
    await esbuild({ entryPoints: files, outdir: tmp, outbase: root, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(dir)) throw err;
  }
  return dir;
}

const [entry] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run-built.mjs <entry.ts> | --build\n');
  process.exit(2);
}
let dir;
try {
  dir = await build();
} catch (err) {
  process.stderr.write(`could not transpile Lookout to .build/: ${err instanceof Error ? err.message.split('\n')[0] : err}\n`);
  process.exit(1);
}
if (entry !== '--build') {
  const target = path.join(dir, entry.replace(/\.ts$/, '.js'));
  if (!fs.existsSync(target)) {
    process.stderr.write(`no such entry point: ${entry}\n`);
    process.exit(2);
  }
  await import(pathToFileURL(target).href);
}
