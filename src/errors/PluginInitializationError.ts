/**
 * `initializeAll()` could not initialize every plugin. The message names each
 * failed plugin with its cause; `report` says what did start, `errors` holds
 * every cause. Pass `{ onFailure: 'report' }` to `initializeAll` to get the
 * report as its value instead.
 */
import { DataPrismError } from './DataPrismError.js';

/** What one `initializeAll()` did (the registry's InitializeReport). */
export interface InitializationReport {
  /** Plugins initialized by this call, in the order they finished. */
  initialized: string[];
  /** Plugins that failed, with their error (a failed dependency is named in the error). */
  failed: { name: string; error: Error }[];
}

export class PluginInitializationError extends DataPrismError {
  /** The whole report: what was initialized and what failed. */
  readonly report: InitializationReport;
  /** Every failure's error, in the report's order. */
  readonly errors: readonly Error[];

  constructor(report: InitializationReport) {
    const count = report.failed.length;
    const list = report.failed.map((f) => `'${f.name}': ${f.error.message}`).join('; ');
    super(
      `${count} plugin${count === 1 ? '' : 's'} failed to initialize (${list}); ` +
        `${report.initialized.length} initialized. Fix each cause and call registry.restart(name), ` +
        `or call initializeAll({ onFailure: 'report' }) to get this report without an error`,
      'plugin',
      { component: 'plugins', cause: report.failed[0]?.error },
    );
    this.report = report;
    this.errors = report.failed.map((f) => f.error);
  }
}
