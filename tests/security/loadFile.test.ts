// A plugin's context.loadFile: `engine:write` to create a table, and for a path
// or URL also `engine:files` — and then only what the host allowed, resolved by
// the file system first. Attacks: `..`, symlinks out of the allowed directory,
// file:// URLs, a prefix-sharing sibling directory, redirects, huge files.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/createEngine.js';
import type { DataPrismEngine } from '../../src/engine/DataPrismEngine.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { TimeoutError } from '../../src/errors/TimeoutError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { PluginRegistry } from '../../src/plugins/PluginRegistry.js';
import type { PluginContext, PluginPermission } from '../../src/plugins/types.js';
import { testPlugin } from '../plugins/helpers.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';

const PLUGINS: Record<string, PluginPermission[]> = {
  reader: ['engine:read'],
  writer: ['engine:read', 'engine:write'],
  loader: ['engine:read', 'engine:write', 'engine:files'],
};

let root: string;
let allowed: string;
let server: Server;
let origin: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'dataprism-loadfile-sec-'));
  allowed = path.join(root, 'allowed');
  await mkdir(allowed);
  await mkdir(path.join(root, 'allowed-sibling'));
  await writeFile(path.join(allowed, 'ok.csv'), 'x\n1\n2\n');
  await writeFile(path.join(root, 'secret.csv'), 'secret\nTOPSECRET-host\n');
  await writeFile(path.join(root, 'allowed-sibling', 'secret.csv'), 'secret\nTOPSECRET-sibling\n');
  await symlink(path.join(root, 'secret.csv'), path.join(allowed, 'link.csv'));
  await symlink(root, path.join(allowed, 'up'));
  server = createServer((request, response) => {
    if (request.url === '/data/ok.csv') response.writeHead(200, { 'content-type': 'text/csv' }).end('x\n1\n');
    else if (request.url === '/data/redirect.csv') response.writeHead(302, { location: '/private/secret.csv' }).end();
    // Headers and a first line, then nothing, ever.
    else if (request.url === '/data/hang.csv') response.writeHead(200, { 'content-type': 'text/csv' }).write('x\n1\n');
    else if (request.url === '/private/secret.csv') response.writeHead(200).end('secret\nTOPSECRET-remote\n');
    else if (request.url === '/data/huge.csv') {
      // Declares nothing, then streams more than the limit.
      response.writeHead(200, { 'content-type': 'text/csv' });
      const chunk = Buffer.alloc(64 * 1024, 0x31);
      let sent = 0;
      const pump = () => {
        while (sent < 64 && response.write(chunk)) sent++;
        if (sent < 64) response.once('drain', pump);
        else response.end();
      };
      pump();
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe.each(ENGINE_BACKENDS)('context.loadFile ($label)', ({ options: backend }) => {
  let engine: DataPrismEngine;
  let registry: PluginRegistry;
  const as = <T>(plugin: string, fn: (c: PluginContext) => Promise<T>) => registry.execute(plugin, 'run', fn) as Promise<T>;
  const refusal = (plugin: string, source: unknown, options?: unknown) =>
    as(plugin, (c) => c.loadFile(source, 'stolen', options)).catch((e: unknown) => e);

  beforeAll(async () => {
    engine = await createEngine({ ...backend, allowedDirectories: [`${allowed}/`], allowedPaths: [`${origin}/data/`] });
    registry = new PluginRegistry({ engine });
    for (const [name, permissions] of Object.entries(PLUGINS)) {
      await registry.register(testPlugin(name, { permissions, execute: (_action, params, context) => (params as (c: PluginContext) => unknown)(context) }));
    }
    await registry.initializeAll();
  });
  afterAll(async () => {
    await registry?.shutdownAll();
    await engine?.close();
  });

  test('with engine:files a plugin loads an allowed file and an allowed URL', async () => {
    const fromPath = (await as('loader', (c) => c.loadFile(path.join(allowed, 'ok.csv'), 'from_path'))) as { rowCount: number };
    expect(fromPath.rowCount).toBe(2);
    // `..` that stays inside is fine: the file system resolves it.
    expect(((await as('loader', (c) => c.loadFile(`${allowed}/../allowed/ok.csv`, 'from_dots'))) as { rowCount: number }).rowCount).toBe(2);
    expect(((await as('loader', (c) => c.loadFile(`${origin}/data/ok.csv`, 'from_url'))) as { rowCount: number }).rowCount).toBe(1);
  });

  test('bytes the plugin holds need engine:write only, not engine:files', async () => {
    const loaded = (await as('writer', (c) => c.loadFile(new TextEncoder().encode('v\n1\n'), 'from_bytes', { format: 'csv' }))) as { rowCount: number };
    expect(loaded.rowCount).toBe(1);
    const error = await refusal('reader', new TextEncoder().encode('v\n1\n'));
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/engine:write/);
  });

  test.each(['reader', 'writer'])('without engine:files, %s reads no path and no URL', async (plugin) => {
    for (const source of [path.join(allowed, 'ok.csv'), `${origin}/data/ok.csv`, new URL(`${origin}/data/ok.csv`)]) {
      const error = await refusal(plugin, source);
      expect(error, String(source)).toBeInstanceOf(PluginError);
      expect((error as Error).message).toMatch(plugin === 'reader' ? /engine:write/ : /engine:files/);
    }
  });

  test.each([
    ['a file outside', () => path.join(root, 'secret.csv')],
    ['.. out of the allowed directory', () => `${allowed}/../secret.csv`],
    ['a symlink to a file outside', () => path.join(allowed, 'link.csv')],
    ['a symlinked directory leading outside', () => path.join(allowed, 'up', 'secret.csv')],
    ['a sibling directory sharing the prefix', () => path.join(root, 'allowed-sibling', 'secret.csv')],
    ['a file that does not exist (no existence oracle)', () => path.join(root, 'nothing.csv')],
    ['/etc/passwd', () => '/etc/passwd'],
    ['a file:// URL', () => `file://${path.join(allowed, 'ok.csv')}`],
    ['a URL outside the allowed prefix', () => `${origin}/private/secret.csv`],
    ['an allowed URL that redirects outside', () => `${origin}/data/redirect.csv`],
    ['an encoded .. in an allowed URL', () => `${origin}/data/%2e%2e/private/secret.csv`],
  ])('even with engine:files, %s is refused and nothing is created', async (_what, source) => {
    const error = await refusal('loader', source(), { format: 'csv' });
    // The registry reports a hook's failure as the plugin's (a PluginError); the reason is in its message.
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/may not load|only http: and https:|request failed/);
    expect((error as Error).message).not.toMatch(/TOPSECRET/);
    expect(await engine.listTables()).not.toContain('stolen');
  });

  test('SQL in options.header or options.delimiter does not run: a writer reads no allowed file through them', async () => {
    const smuggle = `CREATE TABLE pwn AS FROM read_csv('${path.join(allowed, 'ok.csv')}'); --`;
    for (const options of [{ header: `true); ${smuggle}` }, { delimiter: `,'); ${smuggle}` }]) {
      const error = await refusal('writer', new TextEncoder().encode('v\n1\n'), { format: 'csv', ...options });
      // A header that is not a boolean is refused; a delimiter is always a quoted literal, so DuckDB only rejects it as a delimiter.
      expect(error, JSON.stringify(options)).toBeInstanceOf(PluginError);
      expect((error as PluginError).cause).toBeInstanceOf(ValidationError);
      expect(await engine.listTables()).not.toContain('pwn');
    }
  });

  test('a huge download is cut off at maxBytes', async () => {
    const error = await refusal('loader', `${origin}/data/huge.csv`, { maxBytes: 1024 * 1024 });
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).cause).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/more than options\.maxBytes \(1048576\)/);
  });

  test("a download that hangs ends when the plugin's hook is told to stop (its budget), not never", async () => {
    const slow = new PluginRegistry({ engine });
    let load: Promise<unknown> | undefined;
    await slow.register(
      testPlugin('slow_loader', {
        permissions: PLUGINS.loader!,
        timeoutMs: 150,
        execute: (_action, _params, context) => {
          const loading = context.loadFile(`${origin}/data/hang.csv`, 'hung');
          load = loading.catch((e: unknown) => e);
          return loading;
        },
      }),
    );
    await slow.initializeAll();
    await expect(slow.execute('slow_loader', 'run')).rejects.toThrow(/slow_loader/);
    const error = await load;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/slow_loader/);
    expect(await engine.listTables()).not.toContain('hung');
    // The plugin's own signal joins the hook's: an abort of either ends the download.
    const mine = new AbortController();
    const own = as('loader', (c) => c.loadFile(`${origin}/data/hang.csv`, 'hung', { signal: mine.signal })).catch((e: unknown) => e);
    setTimeout(() => mine.abort(), 50);
    expect(((await own) as Error).message).toMatch(/aborted by options\.signal/);
  });

  test('the host itself reads files outside the allowed list', async () => {
    expect((await engine.loadFile(path.join(root, 'secret.csv'), 'host_secret')).rowCount).toBe(1);
  });
});
