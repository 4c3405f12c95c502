// Row objects whose keys are also Object.prototype's names (`__proto__`,
// `constructor`, `toString`): each is a column like any other, loaded through
// the real engine (every backend), and a row without it has NULL there, not Object's value.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/createEngine.js';
import type { DataPrismEngine } from '../../src/engine/DataPrismEngine.js';
import { rowsToTable, columnsToTable } from '../../src/engine/ingest.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';

describe.each(ENGINE_BACKENDS)('prototype keys ($label)', ({ options: backend }) => {
  let engine: DataPrismEngine;
  beforeAll(async () => {
    engine = await createEngine({ ...backend });
  });
  afterAll(() => engine.close());

  test('a __proto__ key is a column and leaves the rows and the column map alone', async () => {
    // JSON.parse makes __proto__ an own property, as rows from a JSON API have it.
    const rows = JSON.parse('[{"id": 1, "__proto__": "a"}, {"id": 2, "__proto__": "b"}]') as Record<string, unknown>[];
    const table = rowsToTable(rows);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', '__proto__']);
    await engine.loadData(rows, 'protos');
    const result = await engine.query('SELECT id, "__proto__" AS p FROM protos ORDER BY id');
    expect(result.data).toEqual([
      { id: 1, p: 'a' },
      { id: 2, p: 'b' },
    ]);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  test('a row without a column named like an Object.prototype member gets NULL there', async () => {
    const rows = [{ id: 1, constructor: 'x', toString: 'y' }, { id: 2 }] as Record<string, unknown>[];
    await engine.loadData(rows, 'inherited');
    const result = await engine.query('SELECT id, "constructor" AS c, "toString" AS s FROM inherited ORDER BY id');
    expect(result.data).toEqual([
      { id: 1, c: 'x', s: 'y' },
      { id: 2, c: null, s: null },
    ]);
  });

  test('column data with a __proto__ column loads too', async () => {
    const columns = JSON.parse('{"id": [1, 2], "__proto__": ["p", "q"]}') as Record<string, unknown[]>;
    expect(columnsToTable(columns).schema.fields.map((f) => f.name)).toEqual(['id', '__proto__']);
    await engine.loadData(columns, 'proto_columns');
    expect((await engine.query('SELECT "__proto__" AS p FROM proto_columns ORDER BY id')).data).toEqual([{ p: 'p' }, { p: 'q' }]);
  });
});
