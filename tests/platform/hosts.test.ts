/**
 * The two platform hosts: the browser one (what package.json's `browser` field
 * swaps in) must offer what the Node one offers and refuse what a page cannot do
 * with typed errors; the bundle helpers pick and name bundles as documented.
 */
import { describe, expect, it } from 'vitest';
import * as nodeHost from '../../src/platform/host.js';
import * as browserHost from '../../src/platform/host.browser.js';
import * as nodeServer from '../../src/inspect/InspectionServer.js';
import * as browserServer from '../../src/inspect/InspectionServer.browser.js';
import * as nodeWriter from '../../packages/plugins/src/writeTextFile.js';
import * as browserWriter from '../../packages/plugins/src/writeTextFile.browser.js';
import { ConfigError, EngineError, ValidationError, duckdbBundles, selectBundle, supportsWasmExceptions } from '@dataprism/orchestration';
import { readFileSync } from 'node:fs';
import { coiBundle } from '../../src/engine/browserBundles.js';

describe('browser swaps', () => {
  it('every file the browser field swaps exports the same names as the file it replaces', () => {
    expect(Object.keys(browserHost).sort()).toEqual(Object.keys(nodeHost).sort());
    expect(Object.keys(browserHost.platform).sort()).toEqual(Object.keys(nodeHost.platform).sort());
    expect(Object.keys(browserServer).sort()).toEqual(Object.keys(nodeServer).sort());
    expect(Object.keys(browserWriter).sort()).toEqual(Object.keys(nodeWriter).sort());
  });

  it('the browser field names files that the build emits from these sources', () => {
    const root = JSON.parse(readFileSync('package.json', 'utf8')) as { browser: Record<string, string> };
    const plugins = JSON.parse(readFileSync('packages/plugins/package.json', 'utf8')) as { browser: Record<string, string> };
    const source = (dir: string, path: string) => readFileSync(`${dir}${path.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')}`, 'utf8');
    for (const [from, to] of Object.entries(root.browser)) {
      expect(source('', from).length).toBeGreaterThan(0);
      expect(source('', to).length).toBeGreaterThan(0);
    }
    for (const [from, to] of Object.entries(plugins.browser)) {
      expect(source('packages/plugins/src/', from).length).toBeGreaterThan(0);
      expect(source('packages/plugins/src/', to).length).toBeGreaterThan(0);
    }
  });
});

describe('the browser host', () => {
  const { platform } = browserHost;

  it('refuses config files and saves with a ConfigError that names the way out', async () => {
    await expect(platform.readTextFile('dataprism.yaml')).rejects.toThrow(ConfigError);
    await expect(platform.readTextFile('dataprism.yaml')).rejects.toThrow(/type: 'url'/);
    await expect(platform.writeFileAtomic('out.json', '{}')).rejects.toThrow(ConfigError);
    expect(platform.environment()).toEqual({});
  });

  it('refuses blocking mode and a missing bundle with an EngineError', async () => {
    await expect(platform.startBackend({ mode: 'blocking' })).rejects.toThrow(EngineError);
    await expect(platform.startBackend({ mode: 'worker' })).rejects.toThrow(/engineOptions\.bundles is required in a browser/);
  });

  it('refuses a malformed bundle with a ValidationError before starting anything', async () => {
    await expect(platform.startBackend({ mode: 'worker', bundles: { mainModule: '', mainWorker: 'w.js' } })).rejects.toThrow(ValidationError);
    await expect(platform.startBackend({ mode: 'worker', bundles: {} as never })).rejects.toThrow(/mvp bundle/);
  });

  it('the chart writer refuses to write files', async () => {
    await expect(browserWriter.writeTextFile('chart.svg', '<svg/>')).rejects.toThrow(ValidationError);
  });

  it('createInspectionServer rejects with a usage error', async () => {
    await expect(browserServer.createInspectionServer()).rejects.toMatchObject({ category: 'usage' });
  });
});

describe('bundle helpers', () => {
  it('duckdbBundles names the three builds under a base URL, with or without the trailing slash', () => {
    const expected = {
      eh: { mainModule: 'https://app.example/duckdb/duckdb-eh.wasm', mainWorker: 'https://app.example/duckdb/duckdb-browser-eh.worker.js' },
      mvp: { mainModule: 'https://app.example/duckdb/duckdb-mvp.wasm', mainWorker: 'https://app.example/duckdb/duckdb-browser-mvp.worker.js' },
      coi: {
        mainModule: 'https://app.example/duckdb/duckdb-coi.wasm',
        mainWorker: 'https://app.example/duckdb/duckdb-browser-coi.worker.js',
        pthreadWorker: 'https://app.example/duckdb/duckdb-browser-coi.pthread.worker.js',
      },
    };
    expect(duckdbBundles('https://app.example/duckdb')).toEqual(expected);
    expect(duckdbBundles(new URL('https://app.example/duckdb/'))).toEqual(expected);
    expect(() => duckdbBundles('/duckdb/')).toThrow(ValidationError); // no page to resolve against in Node
  });

  it('selectBundle picks eh where exceptions are supported, mvp otherwise, and a single bundle as given', () => {
    const both = duckdbBundles('https://app.example/d/');
    expect(supportsWasmExceptions()).toBe(true);
    expect(selectBundle(both)).toBe(both.eh);
    expect(selectBundle({ mvp: both.mvp })).toBe(both.mvp);
    expect(selectBundle(both.mvp)).toBe(both.mvp);
  });

  it('a coi bundle needs all three URLs; a single bundle or none has no coi build', () => {
    const both = duckdbBundles('https://app.example/d/');
    expect(coiBundle(both)).toBe(both.coi);
    expect(coiBundle({ mvp: both.mvp })).toBeUndefined();
    expect(coiBundle(both.mvp)).toBeUndefined();
    const { pthreadWorker: _, ...noThreadWorker } = both.coi!;
    const missing = (() => {
      try {
        coiBundle({ ...both, coi: noThreadWorker as typeof both.coi });
      } catch (error) {
        return error;
      }
    })();
    expect(missing).toBeInstanceOf(ValidationError);
    expect((missing as ValidationError).message).toMatch(/bundles\.coi needs pthreadWorker/);
    expect(() => coiBundle({ ...both, coi: { ...both.coi!, mainModule: '' } })).toThrow(/engineOptions\.bundles\.coi needs mainModule/);
  });
});
