/**
 * INI and environment values outside the schema keep their type where the text
 * can mean only one thing (`true`, `false`, a number written as it prints back),
 * and stay strings everywhere else; values inside the schema follow the schema.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigManager } from '@dataprism/orchestration';

const UNTYPED: Array<[string, unknown]> = [
  ['3', 3],
  ['-2', -2],
  ['0', 0],
  ['0.5', 0.5],
  ['true', true],
  ['false', false],
  ['007', '007'],
  ['1e3', '1e3'],
  ['3.10', '3.10'],
  ['+3', '+3'],
  ['3.', '3.'],
  ['12345678901234567890', '12345678901234567890'],
  ['yes', 'yes'],
  ['TRUE', 'TRUE'],
  ['null', 'null'],
  [' 3', ' 3'],
  ['', ''],
  ['abc', 'abc'],
];

describe('untyped config values', () => {
  it.each(UNTYPED)('the environment value %j outside the schema reads as %j', async (raw, expected) => {
    const config = new ConfigManager();
    await config.load({ type: 'env', source: { APP_PLUGINS__MINE__VALUE: raw }, prefix: 'APP_' });
    expect(config.get('plugins.mine.value')).toEqual(expected);
  });

  it('INI keys outside the schema: numbers and booleans kept, codes kept as written; schema keys follow the schema', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dataprism-ini-'));
    try {
      const file = join(dir, 'app.ini');
      await writeFile(file, '[orchestrator]\nmaxConcurrency = 6\n\n[plugins.mine]\nretries = 3\nratio = 0.25\nverbose = true\nzip = 01234\nlabel = 3.10\n');
      const config = new ConfigManager();
      await config.load({ type: 'file', source: file });
      expect(config.get('orchestrator.maxConcurrency')).toBe(6);
      expect(config.get('plugins.mine')).toEqual({ retries: 3, ratio: 0.25, verbose: true, zip: '01234', label: '3.10' });
      // Round trip: saved and read back, every value is what it was.
      const saved = join(dir, 'saved.ini');
      await config.save({ type: 'file', target: saved });
      const again = new ConfigManager();
      await again.load({ type: 'file', source: saved });
      expect(again.get('plugins.mine')).toEqual(config.get('plugins.mine'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a schema that says string keeps "3" a string', async () => {
    const config = new ConfigManager();
    config.registerSection('mine', { type: 'object', properties: { version: { type: 'string' }, count: { type: 'integer' } } });
    await config.load({ type: 'env', source: { APP_PLUGINS__MINE__VERSION: '3', APP_PLUGINS__MINE__COUNT: '3' }, prefix: 'APP_' });
    expect(config.get('plugins.mine.version')).toBe('3');
    expect(config.get('plugins.mine.count')).toBe(3);
  });
});
