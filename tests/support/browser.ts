/**
 * Whether the browser tests can run here, decided once for the whole suite.
 *
 * The browser tests drive Debian's chromium through playwright-core (no browser
 * download is possible). On a developer's machine without it they are skipped and
 * the suite says so; in CI (`CI=true`) a missing browser fails the run, because
 * CI installs it and a skipped browser test there would hide a broken page.
 */
import { existsSync } from 'node:fs';

/** Where Debian's chromium package installs the browser; `CHROMIUM_PATH` overrides it. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** True when chromium is installed at {@link CHROMIUM_PATH}. */
export const browserAvailable = existsSync(CHROMIUM_PATH);

/** True when the suite must run the browser tests (CI sets `CI=true`). */
export const browserRequired = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** The line the suite prints when it skips the browser tests. */
export const BROWSER_SKIP_MESSAGE =
  `browser tests SKIPPED: no chromium at ${CHROMIUM_PATH}. ` +
  'Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH) to run them; CI runs them and fails without them.';

/** Launch flags for headless chromium on a machine with no network but loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;
