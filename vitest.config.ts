// Tests run against the real DuckDB-WASM engine: the async API lives in worker
// threads, which vitest's default thread pool cannot nest, so every file runs in a fork.
// The packages' own names (the core and the workspace's @dataprism/plugins) resolve
// to their sources, so examples and tests import them
// exactly as a user would.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));
const plugins = fileURLToPath(new URL('./packages/plugins/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@dataprism\/orchestration$/, replacement: src('index.ts') },
      { find: /^@dataprism\/orchestration\/plugins$/, replacement: src('plugins/builtins.ts') },
      { find: /^@dataprism\/orchestration\/check$/, replacement: src('check/index.ts') },
      { find: /^@dataprism\/orchestration\/inspect$/, replacement: src('inspect/index.ts') },
      { find: /^@dataprism\/plugins$/, replacement: plugins },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/globalSetup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
