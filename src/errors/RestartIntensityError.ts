/**
 * A restart a recovery asked for was refused: the plugin was already restarted
 * as often as the restart strategy allows within its window (restart
 * intensity). The restart strategy escalates with it; `restarts`,
 * `maxRestarts` and `withinMs` say by how much.
 */
import { intensityReason, restartsInWindow, type RestartIntensity } from '../../machines/restartIntensity.js';
import { PluginError } from './PluginError.js';

export interface RestartIntensityErrorOptions {
  /** The plugin that was not restarted. */
  plugin: string;
  /** Restarts of it within the window when this one was asked for. */
  restarts: number;
  /** The limit. */
  maxRestarts: number;
  /** The window, in ms. */
  withinMs: number;
}

export class RestartIntensityError extends PluginError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'RestartIntensityError';
  readonly restarts: number;
  readonly maxRestarts: number;
  readonly withinMs: number;
  /** Restarting again at once cannot help: the window has to pass first. */
  readonly retryable = false;

  constructor(options: RestartIntensityErrorOptions) {
    super(
      `${intensityReason(options.plugin, options.restarts, options)}; it keeps failing: fix its cause, or allow more restarts (restartPluginStrategy's maxRestarts and withinMs)`,
      { plugin: options.plugin, phase: 'restart' },
    );
    this.restarts = options.restarts;
    this.maxRestarts = options.maxRestarts;
    this.withinMs = options.withinMs;
  }

  /** The refusal of a restart of `plugin` at `at`, counted from the plugin's restart log. */
  static fromLog(plugin: string, restartLog: readonly number[], at: number, intensity: RestartIntensity): RestartIntensityError {
    return new RestartIntensityError({ plugin, restarts: restartsInWindow(restartLog, at, intensity.withinMs), ...intensity });
  }
}
