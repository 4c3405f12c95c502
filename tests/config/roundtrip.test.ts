// Save then load gives the same configuration, in every format and to objects.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { ConfigManager, type ConfigFormat } from '../../src/config/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dataprism-roundtrip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sample(): ConfigManager {
  const config = new ConfigManager();
  config.registerSection('viz', {
    type: 'object',
    properties: { width: { type: 'integer' }, ratio: { type: 'number' }, animate: { type: 'boolean' }, title: { type: 'string' }, colors: { type: 'array', items: { type: 'string' } } },
  });
  config.set('orchestrator.maxConcurrency', 6);
  config.set('orchestrator.enableEventLogging', true);
  config.set('engine.mode', 'blocking');
  config.set('engine.memoryLimit', 256 * 1024 * 1024);
  config.set('engine.settings', { preserve_insertion_order: false, threads: 2, default_order: 'desc' });
  config.set('plugins.viz', { width: 800, ratio: 1.5, animate: false, title: 'Sales: Q1 "draft"', colors: ['red', 'green'] });
  return config;
}

describe('round trips', () => {
  for (const format of ['json', 'yaml', 'ini'] as ConfigFormat[]) {
    it(`${format}: save then load gives the same values`, async () => {
      const original = sample();
      const file = join(dir, `config.${format}`);
      await original.save({ type: 'file', target: file });
      const loaded = sample();
      // Load into a manager with the same sections, starting from nothing set.
      const fresh = new ConfigManager();
      fresh.registerSection('viz', original.schema().properties!['plugins']!.properties!['viz']!);
      await fresh.load({ type: 'file', source: file });
      expect(fresh.snapshot()).toEqual(loaded.snapshot());
      expect(fresh.validate().valid).toBe(true);
    });
  }

  it('saves only set values unless includeDefaults', async () => {
    const config = new ConfigManager();
    config.set('engine.threads', 2);
    const file = join(dir, 'minimal.json');
    await config.save({ type: 'file', target: file });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ engine: { threads: 2 } });
    const target: Record<string, unknown> = { stale: true };
    await config.save({ type: 'object', target, includeDefaults: true });
    expect(target).toEqual(config.snapshot());
    expect(Object.isFrozen(target['engine'])).toBe(false);
  });

  it('INI refuses what it cannot hold', async () => {
    const config = new ConfigManager();
    config.set('app.matrix', [[1, 2], [3]]);
    await expect(config.save({ type: 'file', target: join(dir, 'm.ini') })).rejects.toThrow(/INI can only hold lists of plain values.*app\.matrix/);
  });

  it('any JSON-like tree survives json and yaml round trips (property)', async () => {
    const key = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/).filter((k) => !['constructor', 'prototype'].includes(k));
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 3 })),
    })).node;
    const appConfig = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 4 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(appConfig, fc.constantFrom<ConfigFormat>('json', 'yaml'), async (app, format) => {
        const config = new ConfigManager();
        config.set('app', app);
        const file = join(dir, `prop-${n++}.${format}`);
        await config.save({ type: 'file', target: file });
        const back = new ConfigManager();
        await back.load({ type: 'file', source: file });
        expect(back.get('app')).toEqual(app);
      }),
      { numRuns: 60 },
    );
  });

  it('an unknown target type is a ConfigError', async () => {
    const config = new ConfigManager();
    await expect(config.save({ type: 'socket' as 'file', target: 'x' })).rejects.toBeInstanceOf(ConfigError);
  });
});
