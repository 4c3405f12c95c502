/**
 * `dataprism visualize [--demo] [--port N] [--host H] [--interval MS]`: serves the
 * offline lifecycle visualizer and the inspection relay on one port, prints the
 * URL, and runs until Ctrl-C (SIGINT/SIGTERM shut everything down cleanly).
 *
 * Without `--demo` the relay waits for producers in other processes:
 * `createStatelyInspector({ url: 'ws://localhost:<port>' })` passed as an
 * orchestrator's `inspect` option. With `--demo` it runs a real orchestrator
 * (DuckDB-WASM, sample data, a plugin that fails and recovers) in this process.
 */
import { createInspectionServer, type InspectionServer } from '../../inspect/index.js';
import { ValidationError } from '../../errors/ValidationError.js';
import { toError } from '../../errors/DataPrismError.js';

export const VISUALIZE_USAGE = `usage: dataprism visualize [--demo] [--port N] [--host H] [--interval MS]

  --demo          run a demo orchestrator (real DuckDB-WASM, a flaky plugin that
                  fails twice per call and recovers) so the page moves
  --port N        port for the page and the relay (default 7777; 0 = any free port)
  --host H        interface to listen on (default 127.0.0.1)
  --interval MS   demo: ms between rounds of work (default 2000)

Other processes can stream to the relay with
  createStatelyInspector({ url: 'ws://localhost:<port>' })  (from @dataprism/orchestration/inspect)
passed as the orchestrator's \`inspect\` option.`;

/** Parsed command line of `dataprism visualize`. */
export interface VisualizeArgs {
  /** Run the demo orchestrator. Default false. */
  demo: boolean;
  /** Port of page and relay. Default 7777. */
  port: number;
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host: string;
  /** Demo: ms between rounds. Default 2000. */
  intervalMs: number;
  /** `--help` was given. */
  help: boolean;
}

/** Parses the arguments after `visualize`; throws ValidationError naming the bad one. */
export function parseVisualizeArgs(argv: readonly string[]): VisualizeArgs {
  const args: VisualizeArgs = { demo: false, port: 7777, host: '127.0.0.1', intervalMs: 2000, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new ValidationError(`dataprism visualize: ${flag} needs a value`, { component: 'cli' });
      return v;
    };
    switch (flag) {
      case '--demo':
        args.demo = true;
        break;
      case '--port':
        args.port = integer(flag, value(), 0, 65535);
        break;
      case '--host':
        args.host = value();
        break;
      case '--interval':
        args.intervalMs = integer(flag, value(), 50, 3_600_000);
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new ValidationError(`dataprism visualize: unknown option '${arg}'`, { component: 'cli' });
    }
  }
  return args;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError(`dataprism visualize: ${flag} must be an integer from ${min} to ${max}, got '${text}'`, { component: 'cli' });
  }
  return n;
}

/** A running visualizer: the relay, and the demo when asked for. */
export interface RunningVisualizer {
  /** The relay (page + WebSocket). */
  server: InspectionServer;
  /** The page's URL. */
  url: string;
  /** Stops the demo (shutting its orchestrator down), then the relay. Idempotent. */
  close(): Promise<void>;
}

/** Options of `startVisualizer`: the parsed arguments, all optional. */
export interface StartVisualizerOptions {
  /** Run the demo orchestrator. Default false. */
  demo?: boolean;
  /** Port. Default 7777 (0 = any free port). */
  port?: number;
  /** Interface. Default `'127.0.0.1'`. */
  host?: string;
  /** Demo: ms between rounds. Default 2000. */
  intervalMs?: number;
  /** Where progress lines go. Default `console.log`. */
  log?: (line: string) => void;
}

/** Starts the relay (and the demo); what `dataprism visualize` runs, usable in-process. */
export async function startVisualizer(options: StartVisualizerOptions = {}): Promise<RunningVisualizer> {
  const log = options.log ?? ((line: string) => console.log(line));
  let metrics: (() => unknown) | undefined;
  let setMetrics: ((fn: () => unknown) => void) | undefined;
  if (options.demo) {
    // The demo's orchestrator exists only after the relay is up (its actors must be
    // inspected from the first transition), so the metrics source is wired late.
    let source: (() => unknown) | undefined;
    metrics = () => source?.();
    setMetrics = (fn) => {
      source = fn;
    };
  }
  const server = await createInspectionServer({
    port: options.port ?? 7777,
    host: options.host ?? '127.0.0.1',
    ...(metrics ? { metrics, metricsIntervalMs: 500 } : {}),
    // The page's "Run the demo's checks": the real model checker on the demo's strategy, run on demand.
    ...(options.demo ? { api: { check: async () => (await import('../../inspect/demoCheck.js')).demoCheckReport() } } : {}),
  });
  let stopDemo: (() => Promise<void>) | undefined;
  if (options.demo) {
    try {
      const { startDemo } = await import('../../inspect/demo.js');
      const demo = await startDemo({ server, intervalMs: options.intervalMs ?? 2000, log });
      setMetrics!(demo.metrics);
      stopDemo = () => demo.stop();
    } catch (error) {
      await server.close();
      throw error;
    }
  }
  let closing: Promise<void> | undefined;
  return {
    server,
    url: server.url,
    close() {
      closing ??= (async () => {
        try {
          await stopDemo?.();
        } finally {
          await server.close();
        }
      })();
      return closing;
    },
  };
}

/** Extra hooks for tests and embedding; the CLI passes none. */
export interface VisualizeCommandOptions {
  /** Stops the command as Ctrl-C would. Default: only SIGINT/SIGTERM stop it. */
  signal?: AbortSignal;
  /** Where output goes. Default `console.log` / `console.error`. */
  log?: (line: string) => void;
  error?: (line: string) => void;
}

/** Runs `dataprism visualize ...`; resolves with the exit code once stopped (0), or at once on bad arguments (2). */
export async function visualizeCommand(argv: string[], options: VisualizeCommandOptions = {}): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const error = options.error ?? ((line: string) => console.error(line));
  let args: VisualizeArgs;
  try {
    args = parseVisualizeArgs(argv);
  } catch (e) {
    error(`${toError(e).message}\n\n${VISUALIZE_USAGE}`);
    return 2;
  }
  if (args.help) {
    log(VISUALIZE_USAGE);
    return 0;
  }
  let running: RunningVisualizer;
  try {
    running = await startVisualizer({ demo: args.demo, port: args.port, host: args.host, intervalMs: args.intervalMs, log });
  } catch (e) {
    error(`dataprism visualize: ${toError(e).message}`);
    return 1;
  }
  log(`DataPrism visualizer: ${running.url}`);
  log(`inspection relay:     ${running.server.wsUrl}${args.demo ? '   (demo orchestrator running)' : ''}`);
  log('press Ctrl-C to stop');

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      options.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop);
  });
  log('shutting down…');
  try {
    await running.close();
  } catch (e) {
    error(`dataprism visualize: shutdown failed: ${toError(e).message}`);
    return 1;
  }
  return 0;
}
