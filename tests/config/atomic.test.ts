// Saving is atomic: a save that fails or is killed half-way leaves the old
// file exactly as it was (never a half-written file).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { ConfigManager } from '../../src/config/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dataprism-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const OLD = '{\n  "orchestrator": {\n    "maxConcurrency": 2\n  }\n}\n';

describe('atomic save', () => {
  it('a write that fails midway leaves the old file intact and no temporary file behind', async () => {
    const file = join(dir, 'failing.json');
    await writeFile(file, OLD);
    let chunks = 0;
    const config = new ConfigManager({
      writeHooks: {
        chunkSize: 16,
        async write(handle, chunk, index) {
          if (index === 3) throw new Error('disk full (simulated)');
          await handle.write(chunk);
          chunks++;
        },
      },
    });
    for (let i = 0; i < 10; i++) config.set(`plugins.p.k${i}`, `value number ${i}`);
    const error = await config.save({ type: 'file', target: file }).then(() => undefined, (e: unknown) => e);
    expect(chunks).toBe(3);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/disk full \(simulated\).*previous file is unchanged/);
    expect((error as ConfigError).file).toBe(file);
    expect(await readFile(file, 'utf8')).toBe(OLD);
    expect((await readdir(dir)).filter((f) => f.includes('failing.json'))).toEqual(['failing.json']);
  });

  it('a process killed in the middle of a save leaves the old file intact', async () => {
    const file = join(dir, 'killed.json');
    await writeFile(file, OLD);
    const fixture = fileURLToPath(new URL('./fixtures/save-then-hang.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('half-written')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the child exited (${code}) before writing half: ${stderr}`)));
    });
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    // The crash left its partial temporary file, but the config file itself is the old one.
    const leftovers = (await readdir(dir)).filter((f) => f.startsWith('.killed.json.') && f.endsWith('.tmp'));
    expect(leftovers).toHaveLength(1);
    expect((await readFile(join(dir, leftovers[0]!), 'utf8')).length).toBeGreaterThan(0);
    expect(await readFile(file, 'utf8')).toBe(OLD);
    const config = new ConfigManager();
    await config.load({ type: 'file', source: file });
    expect(config.get('orchestrator.maxConcurrency')).toBe(2);
  });

  it('a successful save replaces the file and keeps its permissions', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, 'orchestrator:\n  maxConcurrency: 2\n', { mode: 0o600 });
    const config = new ConfigManager();
    config.set('orchestrator.maxConcurrency', 9);
    await config.save({ type: 'file', target: file });
    expect(await readFile(file, 'utf8')).toBe('orchestrator:\n  maxConcurrency: 9\n');
    const { stat } = await import('node:fs/promises');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('saving into a missing directory is a ConfigError', async () => {
    const config = new ConfigManager();
    await expect(config.save({ type: 'file', target: join(dir, 'no', 'such', 'dir.json') })).rejects.toThrow(ConfigError);
  });
});
