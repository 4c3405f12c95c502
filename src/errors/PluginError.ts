/** A plugin hook (initialize, execute, dispose) failed, or a plugin was misused. */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export interface PluginErrorOptions extends DataPrismErrorOptions {
  /** The plugin's name. */
  plugin: string;
  /** The lifecycle phase it failed in: `load`, `initialize`, `execute`, `dispose`, ... */
  phase: string;
  /** The action, when the failure was in `execute`. */
  action?: string;
}

export class PluginError extends DataPrismError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'PluginError';
  readonly plugin: string;
  readonly phase: string;
  readonly action?: string;

  constructor(message: string, options: PluginErrorOptions) {
    super(message, 'plugin', { component: options.component ?? `plugin:${options.plugin}`, cause: options.cause });
    this.plugin = options.plugin;
    this.phase = options.phase;
    if (options.action !== undefined) this.action = options.action;
  }
}
