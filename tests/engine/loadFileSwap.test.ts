/**
 * A plugin's path is checked and then opened: the file that is opened must be
 * the one that was checked. Here the name is swapped for a symlink to a secret
 * right after the check (the window a racing attacker aims for), deterministically.
 */
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { resolveSource } from '../../src/engine/files/source.js';
import { platform } from '../../src/platform/host.js';
import type { Platform } from '../../src/platform/types.js';

let dir: string;
let allowedDir: string;
let secret: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dp-swap-'));
  allowedDir = path.join(dir, 'allowed');
  secret = path.join(dir, 'secret.csv');
  await writeFile(secret, 'secret\ntop\n');
  await mkdir(allowedDir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('a name swapped for a symlink after the check is refused: the secret is never read', async () => {
  const name = path.join(allowedDir, 'data.csv');
  await writeFile(name, 'a\n1\n');
  let swapped = false;
  const racing: Platform = {
    ...platform,
    realPath: async (p) => {
      const real = await platform.realPath(p);
      if (p === name && !swapped) {
        swapped = true;
        await unlink(name);
        await symlink(secret, name);
      }
      return real;
    },
  };
  const access = { kind: 'restricted', files: true, allowed: [allowedDir] } as const;
  const opened = resolveSource(name, {}, access, racing).then(async (file) => new TextDecoder().decode(await file.bytes()));
  await expect(opened).rejects.toThrow(/changed while it was being opened/);
  expect(swapped).toBe(true);
});
