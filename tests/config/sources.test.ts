// Loading from every kind of source and format: files (format from the
// extension or given), objects, the environment (with coercion) and http(s)
// URLs served by a real local server.
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, TimeoutError } from '../../src/errors/index.js';
import { ConfigManager } from '../../src/config/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dataprism-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const files = {
  'c.json': '{ "orchestrator": { "maxConcurrency": 3, "enablePlugins": false }, "engine": { "mode": "blocking", "settings": { "threads": 2 } } }',
  'c.yaml': 'orchestrator:\n  maxConcurrency: 3\n  enablePlugins: false\nengine:\n  mode: blocking\n  settings:\n    threads: 2\n',
  'c.yml': 'orchestrator: { maxConcurrency: 3, enablePlugins: false }\nengine: { mode: blocking, settings: { threads: 2 } }\n',
  'c.ini': '[orchestrator]\nmaxConcurrency = 3\nenablePlugins = false\n\n[engine]\nmode = blocking\n\n[engine.settings]\nthreads = 2\n',
};

describe('file sources', () => {
  for (const [name, text] of Object.entries(files)) {
    it(`reads ${name} with the format its extension names, typed by the schema`, async () => {
      const path = join(dir, name);
      await writeFile(path, text);
      const config = new ConfigManager();
      await config.load({ type: 'file', source: path });
      expect(config.get('orchestrator.maxConcurrency')).toBe(3);
      expect(config.get('orchestrator.enablePlugins')).toBe(false);
      expect(config.get('engine.mode')).toBe('blocking');
      expect(config.get('engine.settings.threads')).toBe(2);
      expect(config.get('orchestrator.timeoutMs')).toBe(30_000);
    });
  }

  it('uses an explicit format over the extension, and refuses an unknown extension without one', async () => {
    const path = join(dir, 'settings.txt');
    await writeFile(path, 'orchestrator:\n  timeoutMs: 250\n');
    const config = new ConfigManager();
    await expect(config.load({ type: 'file', source: path })).rejects.toThrow(/Cannot tell the format of .*settings\.txt/);
    await config.load({ type: 'file', source: path, format: 'yaml' });
    expect(config.get('orchestrator.timeoutMs')).toBe(250);
  });

  it('later sources override earlier ones key by key', async () => {
    const config = new ConfigManager();
    await config.load({ type: 'object', source: { orchestrator: { maxConcurrency: 2, timeoutMs: 10 } } });
    await config.load({ type: 'object', source: { orchestrator: { timeoutMs: 20 } } });
    expect(config.get('orchestrator.maxConcurrency')).toBe(2);
    expect(config.get('orchestrator.timeoutMs')).toBe(20);
  });

  it('a missing file is a ConfigError naming it', async () => {
    const config = new ConfigManager();
    const missing = join(dir, 'nope.json');
    await expect(config.load({ type: 'file', source: missing })).rejects.toMatchObject({ name: 'ConfigError', file: missing });
  });

  it('an object source is copied, not kept', async () => {
    const source = { plugins: { viz: { color: 'red' } } };
    const config = new ConfigManager();
    await config.load({ type: 'object', source });
    source.plugins.viz.color = 'blue';
    expect(config.get('plugins.viz.color')).toBe('red');
  });
});

describe('environment sources', () => {
  it('maps PREFIX_SECTION__KEY_NAME to section.keyName and coerces to the schema types', async () => {
    const config = new ConfigManager();
    config.registerSection('my-viz', {
      type: 'object',
      properties: { colors: { type: 'array', items: { type: 'string' } }, sizes: { type: 'array', items: { type: 'integer' } }, opacity: { type: 'number' } },
    });
    await config.load({
      type: 'env',
      source: {
        DATAPRISM_ENGINE__MEMORY_LIMIT: '536870912',
        DATAPRISM_ORCHESTRATOR__ENABLE_EVENT_LOGGING: 'true',
        DATAPRISM_ORCHESTRATOR__ENABLE_PLUGINS: '0',
        DATAPRISM_ENGINE__SETTINGS__PRESERVE_INSERTION_ORDER: 'false',
        DATAPRISM_PLUGINS__MY_VIZ__COLORS: 'red, green,blue',
        DATAPRISM_PLUGINS__MY_VIZ__SIZES: '[1, 2, 3]',
        DATAPRISM_PLUGINS__MY_VIZ__OPACITY: '0.5',
        DATAPRISM_APP__GREETING: 'hello',
        OTHER_ENGINE__THREADS: '9',
      },
    });
    expect(config.get('engine.memoryLimit')).toBe(536870912);
    expect(config.get('orchestrator.enableEventLogging')).toBe(true);
    expect(config.get('orchestrator.enablePlugins')).toBe(false);
    expect(config.get('engine.settings.preserveInsertionOrder')).toBe(false);
    expect(config.get('plugins.my-viz.colors')).toEqual(['red', 'green', 'blue']);
    expect(config.get('plugins.my-viz.sizes')).toEqual([1, 2, 3]);
    expect(config.get('plugins.my-viz.opacity')).toBe(0.5);
    expect(config.get('app.greeting')).toBe('hello');
    expect(config.get('engine.threads')).toBe(1);
  });

  it('reads process.env by default and honours a custom prefix', async () => {
    process.env['DPTEST_ENGINE__THREADS'] = '3';
    try {
      const config = new ConfigManager();
      await config.load({ type: 'env', source: 'DPTEST_' });
      expect(config.get('engine.threads')).toBe(3);
      const other = new ConfigManager();
      await other.load({ type: 'env', source: { XX_ENGINE__THREADS: '5' }, prefix: 'XX_' });
      expect(other.get('engine.threads')).toBe(5);
    } finally {
      delete process.env['DPTEST_ENGINE__THREADS'];
    }
  });

  it('names the variable when its value does not fit', async () => {
    const config = new ConfigManager();
    const loading = config.load({ type: 'env', source: { DATAPRISM_ORCHESTRATOR__MAX_CONCURRENCY: 'many' } });
    await expect(loading).rejects.toThrow(/orchestrator\.maxConcurrency \(from DATAPRISM_ORCHESTRATOR__MAX_CONCURRENCY\): must be integer/);
    expect(config.get('orchestrator.maxConcurrency')).toBe(4);
  });

  it('refuses two variables for one key', async () => {
    const config = new ConfigManager();
    await expect(config.load({ type: 'env', source: { DATAPRISM_ENGINE__THREADS: '1', DATAPRISM_ENGINE__THREADS_: '2' } })).rejects.toThrow(ConfigError);
  });
});

describe('url sources', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/config.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"orchestrator": {"maxConcurrency": 7}}');
      } else if (req.url === '/served-as-yaml') {
        res.writeHead(200, { 'content-type': 'application/yaml' });
        res.end('engine:\n  threads: 2\n');
      } else if (req.url === '/plain.ini') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('[orchestrator]\ntimeoutMs = 42\n');
      } else if (req.url === '/slow.json') {
        // Never answers: the loader's timeout must end the request.
      } else {
        res.writeHead(404);
        res.end('not here');
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('loads JSON, YAML (by Content-Type) and INI (by extension) over http', async () => {
    const config = new ConfigManager();
    await config.load({ type: 'url', source: `${base}/config.json` });
    await config.load({ type: 'url', source: `${base}/served-as-yaml` });
    await config.load({ type: 'url', source: `${base}/plain.ini` });
    expect(config.get('orchestrator.maxConcurrency')).toBe(7);
    expect(config.get('engine.threads')).toBe(2);
    expect(config.get('orchestrator.timeoutMs')).toBe(42);
  });

  it('reports an HTTP error status as a ConfigError', async () => {
    const config = new ConfigManager();
    await expect(config.load({ type: 'url', source: `${base}/missing.json` })).rejects.toThrow(/HTTP 404/);
  });

  it('gives up after timeoutMs with a TimeoutError', async () => {
    const config = new ConfigManager();
    const loading = config.load({ type: 'url', source: `${base}/slow.json`, timeoutMs: 100 });
    await expect(loading).rejects.toBeInstanceOf(TimeoutError);
    await expect(loading).rejects.toMatchObject({ timeoutMs: 100 });
  });

  it('refuses schemes other than http and https', async () => {
    const config = new ConfigManager();
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/c.json', 'data:application/json,{}']) {
      await expect(config.load({ type: 'url', source: url })).rejects.toThrow(/only http: and https: are allowed/);
    }
    await expect(config.load({ type: 'url', source: 'not a url' })).rejects.toThrow(ConfigError);
  });
});
