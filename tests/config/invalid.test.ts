// Invalid files fail with a ConfigError that names the file, the line and the
// key, and leave the configuration as it was.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { ConfigManager } from '../../src/config/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dataprism-invalid-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadError(name: string, text: string): Promise<ConfigError> {
  const path = join(dir, name);
  await writeFile(path, text);
  const config = new ConfigManager();
  config.set('orchestrator.maxConcurrency', 2);
  const error = await config.load({ type: 'file', source: path }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  // Nothing of the bad file was applied.
  expect(config.get('orchestrator.maxConcurrency')).toBe(2);
  return error as ConfigError;
}

describe('syntax errors', () => {
  it('JSON with a missing value: file, line, column and the key before it', async () => {
    const error = await loadError('broken.json', '{\n  "orchestrator": {\n    "maxConcurrency": 3,\n    "timeoutMs": \n  }\n}\n');
    expect(error.file).toBe(join(dir, 'broken.json'));
    expect(error.line).toBe(5);
    expect(error.key).toBe('timeoutMs');
    expect(error.message).toContain('broken.json at line 5');
    expect(error.message).toContain('after key "timeoutMs"');
  });

  it('JSON with a missing comma (the engine reports a position) and an unfinished document', async () => {
    const comma = await loadError('comma.json', '{\n  "engine": {\n    "threads": 2\n    "mode": "worker"\n  }\n}');
    expect(comma.line).toBe(4);
    expect(comma.key).toBe('threads');
    const cut = await loadError('cut.json', '{\n  "engine": {\n    "threads": 2');
    expect(cut.line).toBe(3);
  });

  it('YAML: line and the nearest key', async () => {
    const error = await loadError('broken.yaml', 'orchestrator:\n  maxConcurrency: 3\nengine:\n  settings: [a, b\n  mode: worker\n');
    expect(error.file).toBe(join(dir, 'broken.yaml'));
    expect(error.line).toBeGreaterThanOrEqual(4);
    expect(error.message).toMatch(/Invalid YAML in .*broken\.yaml at line \d+, column \d+/);
    expect(error.key).toBeDefined();
  });

  it('a YAML document that is a list, not a mapping', async () => {
    const error = await loadError('list.yaml', '- a\n- b\n');
    expect(error.message).toMatch(/must be a mapping .* got a list/);
  });
});

describe('valid syntax, invalid values', () => {
  it('names the file, the key and its line in YAML', async () => {
    const error = await loadError('values.yaml', 'orchestrator:\n  timeoutMs: 100\n  maxConcurrency: lots\nengine:\n  mode: turbo\n');
    expect(error.key).toBe('orchestrator.maxConcurrency');
    expect(error.line).toBe(3);
    expect(error.message).toContain('orchestrator.maxConcurrency (line 3): must be integer');
    expect(error.message).toContain('engine.mode (line 5): must be one of "worker", "blocking"');
  });

  it('names the key and its line in JSON and INI', async () => {
    const json = await loadError('values.json', '{\n  "engine": {\n    "threads": 0\n  }\n}\n');
    expect(json.key).toBe('engine.threads');
    expect(json.line).toBe(3);
    const ini = await loadError('values.ini', '; comment\n[orchestrator]\ntimeoutMs = 5\nenablePlugins = maybe\n');
    expect(ini.key).toBe('orchestrator.enablePlugins');
    expect(ini.line).toBe(4);
  });

  it('finds the key at its own depth when the same name also appears nested (JSON)', async () => {
    // "threads" first appears inside another section; the bad one is engine.threads on line 6.
    const json = await loadError('nested.json', '{\n  "plugins": {\n    "threads": 2\n  },\n  "engine": {\n    "threads": 0\n  }\n}\n');
    expect(json.key).toBe('engine.threads');
    expect(json.line).toBe(6);
    // The same name one level deeper inside the section comes before the section's own key.
    const deeper = await loadError('deeper.json', '{\n  "engine": {\n    "x": { "threads": 3 },\n    "threads": 0\n  }\n}\n');
    expect(deeper.line).toBe(4);
  });

  it('reports the line of the key itself, not of the nested value below it (YAML)', async () => {
    // engine.mode must be a string; here it is a mapping that holds another "mode" on line 3.
    const error = await loadError('nested.yaml', 'orchestrator:\n  timeoutMs: 100\nengine:\n  mode:\n    mode: worker\n');
    expect(error.key).toBe('engine.mode');
    expect(error.line).toBe(4);
    expect(error.message).toContain('engine.mode (line 4)');
  });
});

describe('JSON error positions V8 does not state', () => {
  it('finds the line of an unexpected token in every part of a document', async () => {
    const cases: [string, number][] = [
      ['{\n  "a": 1,\n  "b": x\n}', 3],
      ['{\n  "a": {\n    "b": [1, 2,, 3]\n  }\n}', 3],
      ['{\n  "a": 1\n}\n}', 4],
      ['{\n  "a": 1,\n  "b": "text"\n  , }', 4],
    ];
    for (const [text, line] of cases) {
      const error = await loadError('token.json', text);
      expect({ text, line: error.line }).toEqual({ text, line });
    }
  });
});
