#!/usr/bin/env node
/**
 * The `dataprism` command: `dataprism check <strategy.ts>` model-checks recovery
 * strategies, `dataprism visualize [--demo]` serves the live lifecycle page.
 * Each subcommand lives in its own module and is loaded only when asked for.
 */

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = `usage: dataprism <command> [options]

commands:
  check <file.ts|file.js> [--max-states N] [--json] [--emit-test DIR]
      model-check every recovery strategy the module exports
  visualize [--demo] [--port N]
      serve the offline lifecycle visualizer and the inspection relay
  help
      show this message
  --version
      print the package version

exit codes: 0 success, 1 a property is violated, 2 usage or load error,
3 a check was cut short by a limit (incomplete); see \`dataprism check --help\``;

const PACKAGE_NAME = '@dataprism/orchestration';

/**
 * The version of the package this file belongs to: the nearest package.json
 * named like the package, walking up from this file — the same walk works from
 * the sources (src/cli) and from the built and installed files (dist/src/cli).
 */
export function packageVersion(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // Not ours or not JSON: keep walking up.
      }
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check': {
      const { checkCommand } = await import('./commands/check.js');
      return checkCommand(rest);
    }
    case 'visualize': {
      const { visualizeCommand } = await import('./commands/visualize.js');
      return visualizeCommand(rest);
    }
    case '--version':
    case '-v':
    case 'version':
      console.log(packageVersion());
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`dataprism: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

/** True when this file is the program being run (also through the `dataprism` bin link). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

/**
 * A reader that stops early (`dataprism check … | head -1`) closes the pipe;
 * later writes then fail with EPIPE, which Node reports as an unhandled 'error'
 * event that would crash with a stack trace. The output is simply no longer
 * wanted: drop it, and let the command finish with its own exit code.
 */
export function ignoreClosedPipes(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

if (isEntryPoint()) {
  ignoreClosedPipes(process.stdout);
  ignoreClosedPipes(process.stderr);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 2;
    },
  );
}
