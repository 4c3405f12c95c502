/**
 * The visualization plugin's file writer in a browser build: there is no file
 * system, so `export` is refused with a ValidationError that names the way out.
 */
import { ValidationError } from '@dataprism/orchestration';

/** Rejects: a page cannot write files. */
export function writeTextFile(path: string, _text: string): Promise<void> {
  return Promise.reject(
    new ValidationError(`export: cannot write ${path} in a browser (no file system); call create_chart and use its svg or spec in the page`, {
      component: 'plugin:visualization',
      issues: [{ path: 'path', message: 'files cannot be written in a browser' }],
    }),
  );
}
