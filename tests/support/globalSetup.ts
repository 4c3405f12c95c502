/**
 * Suite-wide setup: say once, loudly, whether the browser tests run, and fail the
 * run in CI when they cannot (a green CI with skipped browser tests proves nothing).
 */
import { BROWSER_SKIP_MESSAGE, browserAvailable, browserRequired } from './browser.js';

export default function setup(): void {
  if (browserAvailable) return;
  if (browserRequired) {
    throw new Error(`CI=true but the browser tests cannot run: ${BROWSER_SKIP_MESSAGE}`);
  }
  process.stderr.write(`\n  ⚠ ${BROWSER_SKIP_MESSAGE}\n\n`);
}
