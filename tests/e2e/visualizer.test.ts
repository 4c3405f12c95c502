/**
 * The visualizer in a real browser (Debian's chromium through playwright-core) on a
 * running demo: one real orchestrator (DuckDB-WASM, a plugin that fails twice per
 * call and is recovered), one browser launch for every check. A screenshot is kept
 * in test-artifacts/visualizer.png.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailable } from '../support/browser.js';
import { keepScreenshot, openVisualizer, WAIT, type VizSession } from '../support/vizPage.js';

let session: VizSession | undefined;
let page: Page;

// Skipped with a suite-wide notice where chromium is missing (tests/support/globalSetup.ts); CI requires it.
describe.skipIf(!browserAvailable)('visualizer on a running demo', () => {
  beforeAll(async () => {
    session = await openVisualizer();
    page = session.page;
  });

  afterAll(async () => {
    await session?.close();
  });

  it('shows the plugin actors, each reaching initialized, with their statecharts drawn', async () => {
    await page.waitForFunction(
      () => {
        const plugins = window.__dataprismViz.actors().filter((a) => (a.systemId ?? a.id).startsWith('plugin:'));
        return plugins.length >= 2 && plugins.every((a) => a.states.includes('initialized') || a.value === 'initialized');
      },
      undefined,
      WAIT,
    );
    const plugins = await page.evaluate(() => window.__dataprismViz.actors().filter((a) => (a.systemId ?? a.id).startsWith('plugin:')));
    expect(plugins.map((p) => p.systemId ?? p.id)).toEqual(expect.arrayContaining(['plugin:flaky-report']));
    // The statechart is drawn from the machine definition by ELK: real state boxes, one highlighted.
    await page.locator('.actor-row[data-kind="plugin"]').first().click();
    const chart = page.locator('#chart-canvas');
    await chart.locator('svg g.state.initialized').waitFor(WAIT);
    await page.waitForFunction(() => document.querySelectorAll('#chart-canvas svg g.state.active').length > 0, undefined, WAIT);
    expect(await chart.locator('svg g.state').count()).toBeGreaterThanOrEqual(8);
    await page.locator('.actor-row[data-kind="orchestrator"]').first().click();
    await page.waitForFunction(() => document.querySelectorAll('#chart-canvas svg g.state').length > 3 && document.querySelector('#chart-canvas svg g.state.idle') !== null, undefined, WAIT);
  });

  it('shows a recovery actor that ends recovered, and error:recovered in the timeline', async () => {
    await page.waitForFunction(
      () => window.__dataprismViz.actors().some((a) => a.id.startsWith('recovery:') && a.value === 'recovered' && a.status === 'done'),
      undefined,
      WAIT,
    );
    // The page itself, not only its model: a recovery row that says so.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll<HTMLElement>('.actor-row[data-kind="recovery"]')].some(
          (row) => row.dataset.status === 'done' && (row.querySelector('.state')?.textContent ?? '').startsWith('recovered'),
        ),
      undefined,
      WAIT,
    );
    // Every row shows its actor's current status (rows are reused across redraws, so they must be refreshed).
    await page.waitForFunction(
      () => {
        const model = new Map(window.__dataprismViz.actors().map((a) => [a.sessionId, a.status]));
        return [...document.querySelectorAll<HTMLElement>('.actor-row')].every((row) => model.get(row.dataset.session!) === row.dataset.status);
      },
      undefined,
      WAIT,
    );
    await page.locator('#timeline li[data-type="error:recovered"]').first().waitFor(WAIT);
    const payload = await page.locator('#timeline li[data-type="error:recovered"] .payload').first().textContent();
    expect(payload).toContain('"recovery"');
    expect(await page.evaluate(() => window.__dataprismViz.stats().byType['error:recovered'] ?? 0)).toBeGreaterThan(0);
  });

  it('keeps up with 1,000 events/s: 3,000 pushed, 3,000 counted, none dropped', async () => {
    const before = await page.evaluate(() => window.__dataprismViz.stats());
    const total = 3000;
    const server = session!.running.server;
    // Paced at 1 event per ms on average, whatever the timer granularity.
    await new Promise<void>((resolve) => {
      const start = performance.now();
      let sent = 0;
      const tick = () => {
        const due = Math.min(total, Math.floor(performance.now() - start));
        for (; sent < due; sent++) server.publish('load:tick', { i: sent });
        if (sent < total) setTimeout(tick, 5);
        else resolve();
      };
      tick();
    });
    await page.waitForFunction((n) => (window.__dataprismViz.stats().byType['load:tick'] ?? 0) >= n, total, WAIT);
    const after = await page.evaluate(() => window.__dataprismViz.stats());
    expect(after.byType['load:tick']).toBe(total);
    expect(after.gaps).toBe(0);
    expect(after.received - before.received).toBeGreaterThanOrEqual(total);
    // The header counter shows the same count (drawn on the next animation frame).
    await page.waitForFunction(
      () => Number(document.getElementById('count-received')!.textContent) === window.__dataprismViz.stats().received,
      undefined,
      WAIT,
    );
    // The DOM timeline stays bounded however many events arrive.
    expect(await page.locator('#timeline li').count()).toBeLessThanOrEqual(400);
  });

  it('shows an actor context and history on click, and keeps a screenshot', async () => {
    await page.locator('.actor-row[data-kind="plugin"]').first().click();
    await page.locator('[data-testid="detail-context"]').waitFor(WAIT);
    const contextText = await page.locator('[data-testid="detail-context"]').textContent();
    expect(contextText).toContain('"name"');
    expect(await page.locator('[data-testid="detail-history"] li').count()).toBeGreaterThan(2);
    expect(existsSync(await keepScreenshot(page, 'visualizer.png'))).toBe(true);
    expect(session!.pageErrors).toEqual([]);
  });
});
