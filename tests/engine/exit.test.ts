// A process that used the engine exits by itself: after close(), and even when
// the caller forgot close() (the worker is only referenced while work is in flight),
// also with a timeoutMs longer than the test may wait (the deadline's timer holds nothing open).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/open-query-exit.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Only a safety net so a hung child cannot outlive the test run; it is not a speed assertion.
    const killer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('process exit', () => {
  it.each([
    ['worker', 'close', ''],
    ['worker', 'forget', ''],
    ['worker', 'forget', 'timed'],
    ['blocking', 'close', ''],
    ['native', 'close', ''],
    ['native', 'forget', ''],
    ['native', 'forget', 'timed'],
  ])('%s mode, %s %s: exits with code 0', async (mode, how, timed) => {
    const result = await run([mode, how, timed]);
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('answer=42');
    if (how === 'close') expect(result.stdout).toContain('state=closed');
  }, 180_000);
});
