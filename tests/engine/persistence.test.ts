/**
 * engineOptions.path in Node. Native DuckDB keeps a database file: what one
 * engine wrote, a later engine on the same path reads back (also after a
 * loadFile), and a path it cannot open is an EngineError naming it. With the
 * wasm backend, DuckDB-WASM 1.32's Node runtime writes a database file that a
 * new instance reads back empty (measured here), so the engine refuses the
 * option instead of losing data silently. In a browser the option takes
 * `opfs://…` (tests/browser/bundlers.test.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, EngineError, type EngineMode } from '@dataprism/orchestration';

describe.each<EngineMode>(['worker', 'blocking'])('engineOptions.path in Node (%s)', (mode) => {
  it('is refused with an EngineError that names the path and the way out', async () => {
    const attempt = createEngine({ mode, path: 'data/sales.duckdb' });
    await expect(attempt).rejects.toThrow(EngineError);
    await expect(createEngine({ mode, path: 'data/sales.duckdb' })).rejects.toThrow(/"data\/sales\.duckdb".*opfs:\/\//);
  });
});

describe('engineOptions.path in Node (native)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dataprism-persist-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps what one engine wrote for the next engine on the same file', async () => {
    const path = join(dir, 'sales.duckdb');
    await writeFile(join(dir, 'more.csv'), 'region,amount\nnorth,5\n');
    const first = await createEngine({ backend: 'native', path });
    await first.loadData([{ region: 'south', amount: 3 }, { region: 'west', amount: 4 }], 'sales');
    await first.loadFile(join(dir, 'more.csv'), 'sales', { mode: 'append' });
    await first.close();
    const second = await createEngine({ backend: 'native', path });
    try {
      expect(await second.listTables()).toEqual(['sales']);
      expect((await second.query('SELECT region, amount FROM sales ORDER BY amount')).data).toEqual([
        { region: 'south', amount: 3 },
        { region: 'west', amount: 4 },
        { region: 'north', amount: 5 },
      ]);
    } finally {
      await second.close();
    }
  });

  it('a path it cannot open is an EngineError naming it', async () => {
    const path = join(dir, 'no-such-directory', 'x.duckdb');
    const error = await createEngine({ backend: 'native', path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toContain(path);
  });
});
