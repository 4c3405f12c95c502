// Config can never pollute a prototype: __proto__, constructor and prototype
// are refused in keys, documents of every format, the environment and values.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { ConfigManager } from '../../src/config/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dataprism-pollution-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  // The point of every test: nothing reached Object.prototype.
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
});

async function refusedFile(name: string, text: string, key: string): Promise<void> {
  const path = join(dir, name);
  await writeFile(path, text);
  const config = new ConfigManager();
  const error = await config.load({ type: 'file', source: path }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain(`'${key}'`);
  expect((error as ConfigError).file).toBe(path);
  expect(config.get('polluted')).toBeUndefined();
}

describe('documents', () => {
  it('JSON {"__proto__": {"polluted": true}}', async () => {
    await refusedFile('p.json', '{"__proto__": {"polluted": true}}', '__proto__');
    await refusedFile('nested.json', '{"plugins": {"viz": {"constructor": {"prototype": {"polluted": true}}}}}', 'constructor');
  });

  it('YAML __proto__ and prototype keys', async () => {
    await refusedFile('p.yaml', '__proto__:\n  polluted: true\n', '__proto__');
    await refusedFile('q.yaml', 'a:\n  prototype:\n    polluted: true\n', 'prototype');
  });

  it('INI sections and keys (the INI parser would drop them silently)', async () => {
    await refusedFile('p.ini', '[__proto__]\npolluted = true\n', '__proto__');
    await refusedFile('q.ini', '[a.constructor]\npolluted = true\n', 'constructor');
    await refusedFile('r.ini', '[a]\n__proto__ = 1\n', '__proto__');
  });

  it('objects passed to load and set', async () => {
    const config = new ConfigManager();
    const evil = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    await expect(config.load({ type: 'object', source: evil })).rejects.toThrow(/'__proto__'/);
    expect(() => config.set('a', evil)).toThrow(/'__proto__'/);
    expect(() => new ConfigManager({ initial: { a: evil } })).toThrow(ConfigError);
  });
});

describe('keys and the environment', () => {
  it("set('a.__proto__.b'), get and has with forbidden segments", () => {
    const config = new ConfigManager();
    expect(() => config.set('a.__proto__.polluted', true)).toThrow(/forbidden key '__proto__'/);
    expect(() => config.set('constructor.prototype.polluted', true)).toThrow(/forbidden key 'constructor'/);
    expect(() => config.set('__proto__', { polluted: true })).toThrow(ConfigError);
    expect(() => config.get('a.prototype')).toThrow(ConfigError);
    expect(() => config.registerSection('__proto__', { type: 'object' })).toThrow(ConfigError);
  });

  it('environment variables naming a forbidden key', async () => {
    for (const name of ['DATAPRISM___PROTO____POLLUTED', 'DATAPRISM_CONSTRUCTOR__PROTOTYPE__POLLUTED', 'DATAPRISM_A__PROTOTYPE']) {
      const config = new ConfigManager();
      await expect(config.load({ type: 'env', source: { [name]: 'true' } })).rejects.toThrow(new RegExp(`${name} names the forbidden key`));
    }
  });

  it('JSON inside an environment variable', async () => {
    const config = new ConfigManager();
    config.registerSection('viz', { type: 'object', properties: { style: { type: 'object' } } });
    await expect(config.load({ type: 'env', source: { DATAPRISM_PLUGINS__VIZ__STYLE: '{"__proto__": {"polluted": true}}' } })).rejects.toThrow(/'__proto__'/);
  });
});
