import { readdir } from 'node:fs/promises';
import postgres from 'postgres';
import {
  checkDatabase, migrate, migrateDown, openDatabase, startEmbeddedPostgres, type Migration,
} from '../../db/index.js';
import { migrations } from '../../migrations/index.js';

const allNames = migrations.map((m) => m.name);
import {
  actualColumns, createScratchDatabase, expectInitialSchema, realPostgresUnavailable, tempDir,
} from './helpers.js';

interface Backend {
  /** A pool on a fresh, empty database. */
  pool(): postgres.Sql;
  teardown(): Promise<void>;
}

const realUnavailable = await realPostgresUnavailable();
if (realUnavailable) console.warn(`Skipping the real PostgreSQL migration tests: ${realUnavailable}`);

const backends: Record<string, () => Promise<Backend>> = {
  async 'embedded PGlite'() {
    const { dir, remove } = await tempDir();
    const server = await startEmbeddedPostgres({ dataDir: dir });
    const sql = postgres(server.url, server.options);
    return {
      pool: () => sql,
      async teardown() {
        await sql.end();
        await server.stop();
        await remove();
      },
    };
  },
  async 'real PostgreSQL'() {
    const database = await createScratchDatabase();
    const pools: postgres.Sql[] = [];
    return {
      pool() {
        const sql = postgres(database.url, { max: 10, onnotice: () => {} });
        pools.push(sql);
        return sql;
      },
      async teardown() {
        await Promise.all(pools.map((sql) => sql.end()));
        await database.drop();
      },
    };
  },
};

test('migrations/index.ts lists every migration file, in order', async () => {
  const files = (await readdir(new URL('../../migrations/', import.meta.url)))
    .filter((file) => /^\d{4}-.+\.ts$/.test(file))
    .sort();
  expect(migrations.map((m) => `${m.name}.ts`)).toEqual(files);
  expect(files[0]).toBe('0001-initial.ts');
});

describe.each(Object.keys(backends))('on %s', (name) => {
  const skip = name === 'real PostgreSQL' && realUnavailable !== undefined;
  let backend: Backend;
  let sql: postgres.Sql;

  beforeAll(async () => {
    if (skip) return;
    backend = await backends[name]();
    sql = backend.pool();
  });
  afterAll(async () => await backend?.teardown());

  (skip ? test.skip : test)('applies the initial schema once; a second run applies nothing', async () => {
    expect(await migrate(sql)).toEqual(allNames);
    await expectInitialSchema(sql);
    const [row] = await sql`select name, applied_at from schema_migrations`;
    expect(row).toEqual({ name: '0001-initial', applied_at: expect.any(Date) });
    expect(await migrate(sql)).toEqual([]);
    expect(await sql`select name from schema_migrations order by name`).toEqual(allNames.map((n) => ({ name: n })));
  });

  (skip ? test.skip : test)('a failing migration rolls back entirely and is not recorded', async () => {
    const broken: Migration = {
      name: '9999-broken',
      async up({ context }) {
        await context`create table half_done (id int)`;
        await context`select 1 / 0`;
      },
      async down() {},
    };
    const run = migrate(sql, { migrations: [...migrations, broken] });
    await expect(run).rejects.toThrow(/9999-broken.*division by zero/s);
    expect(await sql`select to_regclass('half_done') as t`).toEqual([{ t: null }]);
    expect(await sql`select name from schema_migrations order by name`).toEqual(allNames.map((n) => ({ name: n })));
    await checkDatabase(sql);
  });

  (skip ? test.skip : test)('concurrent runs from separate pools apply each migration exactly once', async () => {
    await migrateDown(sql, { to: 0 });
    expect(Object.keys(await actualColumns(sql))).toEqual(['schema_migrations']);
    let runs = 0;
    const slow: Migration = {
      name: '9999-slow',
      async up({ context }) {
        runs++;
        await context`select pg_sleep(0.3)`;
        await context`create table slow_marker (id int)`;
      },
      async down({ context }) {
        await context`drop table slow_marker`;
      },
    };
    // On PGlite these are one shared max-1 pool; on real PostgreSQL, three pools with their own sessions.
    const pools = [sql, backend.pool(), backend.pool()];
    const results = await Promise.allSettled(pools.map((pool) => migrate(pool, { migrations: [...migrations, slow] })));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.join(',') : r.reason)).sort()).toEqual([
      '',
      '',
      [...allNames, '9999-slow'].join(','),
    ]);
    expect(runs).toBe(1);
    expect(await sql`select name from schema_migrations order by name`).toEqual([...allNames, '9999-slow'].map((n) => ({ name: n })));
    expect(await migrateDown(sql, { to: '9999-slow', migrations: [...migrations, slow] })).toEqual(['9999-slow']);
    expect(await sql`select to_regclass('slow_marker') as t`).toEqual([{ t: null }]);
    await expectInitialSchema(sql);
  });
});

(realUnavailable ? test.skip : test)('openDatabase with a URL migrates real PostgreSQL, then closes', async () => {
  const database = await createScratchDatabase();
  try {
    const db = await openDatabase({ url: database.url, dataDir: '/nonexistent/never-used' });
    expect(db).toMatchObject({ url: database.url, embedded: false });
    expect(db.sql.options.max).toBe(10);
    await expectInitialSchema(db.sql);
    await checkDatabase(db.sql);
    await db.close();
    await expect(checkDatabase(db.sql)).rejects.toThrow();
  } finally {
    await database.drop();
  }
});

test('openDatabase with an unreachable URL fails instead of hanging', async () => {
  const started = Date.now();
  await expect(openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', dataDir: '/nonexistent' })).rejects.toThrow(
    /ECONNREFUSED/,
  );
  expect(Date.now() - started).toBeLessThan(15_000);
});
