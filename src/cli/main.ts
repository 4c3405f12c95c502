#!/usr/bin/env node
/**
 * The `dataprism` command: `dataprism check <strategy.ts>` model-checks recovery
 * strategies, `dataprism visualize [--demo]` serves the live lifecycle page.
 * Each subcommand lives in its own module and is loaded only when asked for.
 */

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const USAGE = `usage: dataprism <command> [options]

commands:
  check <file.ts|file.js> [--max-states N] [--json] [--emit-test DIR]
      model-check every recovery strategy the module exports
  visualize [--demo] [--port N]
      serve the offline lifecycle visualizer and the inspection relay
  help
      show this message`;

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

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
