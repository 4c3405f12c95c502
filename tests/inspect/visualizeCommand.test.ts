/** `dataprism visualize`: arguments, serving the page, and a clean stop. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseVisualizeArgs, visualizeCommand } from '../../src/cli/commands/visualize.js';
import { ValidationError } from '../../src/errors/index.js';

function output() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, log: (l: string) => lines.push(l), error: (l: string) => errors.push(l) };
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!predicate()) throw new Error('condition never became true');
}

describe('parseVisualizeArgs', () => {
  it('has defaults and reads every option, in both --flag value and --flag=value forms', () => {
    expect(parseVisualizeArgs([])).toEqual({ demo: false, port: 7777, host: '127.0.0.1', intervalMs: 2000, help: false });
    expect(parseVisualizeArgs(['--demo', '--port', '0', '--host=0.0.0.0', '--interval=250'])).toEqual({
      demo: true,
      port: 0,
      host: '0.0.0.0',
      intervalMs: 250,
      help: false,
    });
  });

  it('names the bad argument', () => {
    expect(() => parseVisualizeArgs(['--port', 'http'])).toThrow(/--port must be an integer from 0 to 65535, got 'http'/);
    expect(() => parseVisualizeArgs(['--port'])).toThrow(/--port needs a value/);
    expect(() => parseVisualizeArgs(['--colour'])).toThrow(ValidationError);
  });
});

describe('visualizeCommand', () => {
  it('prints usage for --help (exit 0) and for a bad option (exit 2)', async () => {
    const ok = output();
    expect(await visualizeCommand(['--help'], ok)).toBe(0);
    expect(ok.lines.join('\n')).toContain('usage: dataprism visualize');
    const bad = output();
    expect(await visualizeCommand(['--nope'], bad)).toBe(2);
    expect(bad.errors.join('\n')).toContain("unknown option '--nope'");
  });

  it('serves the page until stopped, then frees the port', async () => {
    const out = output();
    const controller = new AbortController();
    const done = visualizeCommand(['--port', '0'], { ...out, signal: controller.signal });
    await until(() => out.lines.some((l) => l.startsWith('DataPrism visualizer: ')));
    const url = out.lines.find((l) => l.startsWith('DataPrism visualizer: '))!.slice('DataPrism visualizer: '.length);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('DataPrism');
    controller.abort();
    expect(await done).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const out = output();
      expect(await visualizeCommand(['--port', String(port)], out)).toBe(1);
      expect(out.errors.join('\n')).toMatch(new RegExp(`port ${port} .*already in use`));
    } finally {
      blocker.close();
    }
  });
});
