/**
 * What the zero-config bundler tests share: the README tour's page (apps/tour.js)
 * run in Chromium and checked, and the pattern of Node-only code a browser bundle
 * must not hold.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Browser } from 'playwright-core';

/** An app file of tests/browser/apps/. */
export const apps = (file: string): string => readFileSync(join(import.meta.dirname, 'apps', file), 'utf8');
export const WAIT = { timeout: 60_000, polling: 100 } as const;

export interface TourResult {
  seen: string[];
  totals: [string, number][];
  marks: number;
  summaryColumns: string[];
  queryError: { name: string; isQueryError: boolean; category: string };
  thresholdViolations: number;
}
export type TourOutcome = { ok: true; value: TourResult } | { ok: false; error: { name: string; message: string } };
declare global {
  interface Window {
    __tour?: TourOutcome;
    __answer?: unknown;
    __dataprism: {
      DataPrismOrchestrator: typeof import('../../src/index.js').DataPrismOrchestrator;
      duckdbBundles: typeof import('../../src/index.js').duckdbBundles;
    };
  }
}

/** Opens `origin`'s page in `browser` and waits for the tour's outcome; collects console errors. */
export async function tourIn(browser: Browser, origin: string): Promise<{ outcome: TourOutcome; consoleErrors: string[] }> {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.__tour !== undefined, undefined, WAIT);
    const outcome = (await page.evaluate(() => window.__tour))!;
    return { outcome, consoleErrors };
  } finally {
    await page.close();
  }
}

/** Asserts what the README's tour must give; returns its result. */
export function expectTour(outcome: TourOutcome): TourResult {
  if (!outcome.ok) throw new Error(`the tour failed in the page: ${outcome.error.name}: ${outcome.error.message}`);
  const tour = outcome.value;
  // Each region gets every 4th i of 0..19 999: sum = 5000 * (offset + 19 996 / 2).
  expect(tour.totals).toEqual([
    ['east', 49_990_000],
    ['north', 49_995_000],
    ['south', 50_000_000],
    ['west', 50_005_000],
  ]);
  expect(tour.marks).toBeGreaterThanOrEqual(4);
  expect(tour.seen[0]).toMatch(/^engine:ready v\d+\.\d+/);
  expect(tour.seen).toEqual(expect.arrayContaining(['plugin:loaded visualization', 'plugin:loaded analytics', 'orchestrator:shutdown']));
  expect(tour.seen.at(-1)).toBe('orchestrator:shutdown');
  expect(tour.summaryColumns).toEqual(expect.arrayContaining(['region', 'amount']));
  expect(tour.queryError).toEqual({ name: 'QueryError', isQueryError: true, category: 'query' });
  return tour;
}

/**
 * A static or literal dynamic import of a Node built-in (what a bundler must resolve), or Node-only
 * modules of ours. A `node:` string behind a variable (a Node-only branch the bundler never follows) is fine.
 */
export const NODE_ONLY = /(?:\bfrom|\bimport\(|(?<![.\w])require\()\s*["'`]node:[a-z_/]+["'`]|NodeWorkerAdapter|createRequire/;
