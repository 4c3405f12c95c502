/**
 * The package as a user installs it, for the browser build tests: `npm pack`ed
 * from a staged copy of the sources (so a running test never touches the
 * worktree's dist/), unpacked into a fresh app's node_modules, with the
 * dependencies linked from this checkout's node_modules (the same versions the
 * lockfile installs; no registry needed). Built once per source state and
 * shared by every test file of a run (a directory lock orders concurrent callers).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(import.meta.dirname, '..', '..');
/** What the packed package is built from; a change to any of these makes a new tarball. */
const SOURCES = ['src', 'machines', 'visualizer', 'packages', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md'];
const SKIP = new Set(['node_modules', 'dist', '.git']);

/** A workspace package packed to a tarball. */
export interface PackedPackage {
  name: string;
  tarball: string;
}

function fingerprint(): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    if (!existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (!SKIP.has(entry)) walk(join(path, entry));
    } else {
      hash.update(`${relative(ROOT, path)}:${info.size}:${info.mtimeMs}\n`);
    }
  };
  for (const source of SOURCES) walk(join(ROOT, source));
  return hash.digest('hex').slice(0, 16);
}

/** This source state's tarballs, packed on first use. */
export async function packedPackages(): Promise<PackedPackage[]> {
  const dir = join(tmpdir(), `dataprism-packed-${fingerprint()}`);
  const done = join(dir, 'packed.json');
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as PackedPackage[];
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is packing this very state: wait for it (a stale lock older than 5 min is taken over).
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as PackedPackage[];
    rmSync(dir, { recursive: true, force: true });
    const stage = join(dir, 'stage');
    mkdirSync(stage, { recursive: true });
    for (const source of SOURCES) {
      const from = join(ROOT, source);
      if (existsSync(from)) cpSync(from, join(stage, source), { recursive: true, filter: (p) => !SKIP.has(p.split('/').pop()!) });
    }
    // The workspace packages build against the staged core, everything else is this checkout's.
    linkDependencies(join(stage, 'node_modules'), new Set(['@dataprism/orchestration']));
    symlinkSync(stage, join(stage, 'node_modules', '@dataprism', 'orchestration'), 'dir');
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: stage, stdio: 'pipe' });
    const packed: PackedPackage[] = [];
    const pack = (cwd: string) => {
      const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd, encoding: 'utf8' });
      const [info] = JSON.parse(out) as { name: string; filename: string }[];
      packed.push({ name: info!.name, tarball: join(dir, info!.filename) });
    };
    pack(stage);
    const workspaces = join(stage, 'packages');
    if (existsSync(workspaces)) {
      for (const name of readdirSync(workspaces)) {
        const workspace = join(workspaces, name);
        if (!existsSync(join(workspace, 'package.json'))) continue;
        const tsconfig = join(workspace, 'tsconfig.json');
        if (existsSync(tsconfig)) execFileSync(process.execPath, [tsc, '-p', tsconfig], { cwd: workspace, stdio: 'pipe' });
        pack(workspace);
      }
    }
    writeFileSync(done, JSON.stringify(packed));
    return packed;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A fresh app directory: `files` written, every packed package unpacked into its
 * node_modules, every other dependency linked from this checkout.
 */
export async function freshApp(name: string, files: Record<string, string>): Promise<string> {
  const packed = await packedPackages();
  const app = join(tmpdir(), `dataprism-app-${name}-${process.pid}`);
  rmSync(app, { recursive: true, force: true });
  const modules = join(app, 'node_modules');
  linkDependencies(modules, new Set(packed.map((p) => p.name)));
  for (const { name: pkg, tarball } of packed) {
    const target = join(modules, pkg);
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  }
  for (const [file, text] of Object.entries({ 'package.json': JSON.stringify({ name: `app-${name}`, private: true, type: 'module' }), ...files })) {
    mkdirSync(join(app, file, '..'), { recursive: true });
    writeFileSync(join(app, file), text);
  }
  return app;
}

/** Links every package of this checkout's node_modules into `modules`, except `except`. */
function linkDependencies(modules: string, except: Set<string>): void {
  mkdirSync(modules, { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(join(ROOT, 'node_modules', entry)).map((scoped) => `${entry}/${scoped}`) : [entry];
    for (const name of names) {
      if (except.has(name)) continue;
      mkdirSync(join(modules, name, '..'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
    }
  }
}
