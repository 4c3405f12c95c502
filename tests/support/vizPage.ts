/**
 * One running visualizer (the real demo orchestrator behind the relay) and one
 * chromium page on it, for the browser tests: start both in `beforeAll`, close both
 * in `afterAll`. The page's test hooks (`window.__dataprismViz`) are typed here.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startVisualizer, type RunningVisualizer } from '../../src/cli/commands/visualize.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser.js';

/** Where the browser tests keep their screenshots. */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');
/** Polling options for `page.waitForFunction` and locators. */
export const WAIT = { timeout: 45_000, polling: 100 } as const;

export interface VizActor {
  sessionId: string;
  id: string;
  systemId?: string;
  logic: string;
  value: unknown;
  status: string;
  states: unknown[];
}
export interface VizStats {
  received: number;
  gaps: number;
  lastSeq: number;
  byType: Record<string, number>;
  logged: number;
}
export interface VizView {
  cursor: number | null;
  paused: boolean;
  /** While paused: the last message the views show. */
  pausedSeq: number | null;
  source: string;
  span: { start: number; end: number };
}
/** The counterexample shown on the page and its current step. */
export interface VizCheck {
  name: string;
  property: string;
  index: number;
  steps: number;
}
declare global {
  interface Window {
    __dataprismViz: { stats(): VizStats; actors(): VizActor[]; view(): VizView; check(): VizCheck | null };
  }
}

/** A demo visualizer and a page on it at 1440×900. */
export interface VizSession {
  running: RunningVisualizer;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page so far. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Starts the demo (rounds every `intervalMs`) and opens the page on it; the engine start and the browser launch overlap. */
export async function openVisualizer(options: { intervalMs?: number; query?: string } = {}): Promise<VizSession> {
  const profileDir = mkdtempSync(join(tmpdir(), 'dataprism-e2e-'));
  const [running, context] = await Promise.all([
    startVisualizer({ demo: true, port: 0, intervalMs: options.intervalMs ?? 400, log: () => undefined }),
    chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
      args: [...CHROMIUM_ARGS],
    }),
  ]);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(running.url + (options.query ?? ''));
  await page.waitForSelector('#connection.pill-on', { timeout: 20_000 });
  return {
    running,
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      await running.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of the page under test-artifacts/ and returns its path. */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path });
  return path;
}

/** Resolves after the page has drawn two more animation frames (the views draw once per frame). */
export function drawn(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}
