/**
 * Counterexamples on the chart, in chromium: the JSON of the real
 * `dataprism check examples/strategies/broken.ts --json` loaded into the page, and the
 * demo's own checks run from the page; each trace stepped through state by state on
 * the statechart, with the fault or delay that drove each step. Screenshot in
 * test-artifacts/counterexample.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkCommand } from '../../src/cli/commands/check.js';
import { describeEnvEvent } from '../../src/check/format.js';
import type { EnvEvent, TraceStep } from '../../src/check/types.js';
import { browserAvailable } from '../support/browser.js';
import { drawn, keepScreenshot, openVisualizer, WAIT, type VizSession } from '../support/vizPage.js';

let session: VizSession | undefined;
let page: Page;
let dir: string;

interface Report {
  results: Array<{ export: string; result: { name: string; violations: Array<{ property: string; message: string; trace: TraceStep[]; loopStart?: number }> } }>;
}

/** The leaf states a trace step's text names (`active.ready` → `active.ready`; `{a.x,b.y}` → both). */
function leaves(state: string): string[] {
  const clean = state.replace(/\s*\((error|done|stopped)\)$/, '');
  return clean.startsWith('{') ? clean.slice(1, -1).split(',') : [clean];
}

/** What the page shows at the current step. */
function shown(p: Page) {
  return p.evaluate(() => {
    const svg = document.querySelector('#check-canvas svg')!;
    const current = document.querySelector<HTMLElement>('#check-steps li.current')!;
    return {
      check: window.__dataprismViz.check()!,
      activeLeaves: [...svg.querySelectorAll<SVGGElement>('g.state.active.atomic, g.state.active.final')].map((g) => g.dataset.path!),
      taken: [...svg.querySelectorAll<SVGGElement>('g.edge-label.taken')].map((g) => g.querySelector('text')!.textContent!),
      step: { index: Number(current.dataset.step), move: current.querySelector('.move')!.textContent!, kind: current.dataset.move!, to: current.dataset.state! },
      counter: document.getElementById('check-counter')!.textContent!,
      states: svg.querySelectorAll('g.state').length,
    };
  });
}

/** Steps through the whole trace with the Next button, checking chart and step list at each step. */
async function walk(p: Page, trace: TraceStep[], edgeLabel: (event: EnvEvent) => RegExp | undefined) {
  for (let i = 0; i < trace.length; i++) {
    if (i > 0) await p.click('#check-next');
    await drawn(p);
    const view = await shown(p);
    const step = trace[i]!;
    expect(view.check.index).toBe(i);
    expect(view.counter).toBe(`step ${i} of ${trace.length - 1}`);
    expect(view.step).toEqual({ index: i, move: describeEnvEvent(step.event), kind: step.event.type === 'fail' ? 'fault' : step.event.type, to: step.state });
    expect(view.activeLeaves.sort()).toEqual(leaves(step.state).sort());
    const label = edgeLabel(step.event);
    if (label) expect(view.taken.some((t) => label.test(t)), `step ${i}: ${describeEnvEvent(step.event)} lights ${label}`).toBe(true);
  }
  expect(await p.isDisabled('#check-next')).toBe(true);
}

describe.skipIf(!browserAvailable)('visualizer counterexamples', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dataprism-check-'));
    session = await openVisualizer({ intervalMs: 1000 });
    page = session.page;
    await page.click('.tabs [data-tab="check"]');
  });

  afterAll(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the JSON of `dataprism check --json` and steps through a trace state by state', async () => {
    let out = '';
    const code = await checkCommand(['examples/strategies/broken.ts', '--json'], { out: (s: string) => (out += s), err: () => undefined });
    expect(code).toBe(1);
    const report = JSON.parse(out) as Report;
    const file = join(dir, 'broken.json');
    writeFileSync(file, out);
    await page.setInputFiles('#check-load', file);
    await page.waitForSelector('#check-list li.violation', WAIT);

    // Every violation of the report is listed, by property.
    const listed = await page.$$eval('#check-list li.violation', (items) => items.map((li) => (li as HTMLElement).dataset.property!));
    const expected = report.results.flatMap((r) => r.result.violations.map((v) => v.property));
    expect(listed).toEqual(expected);
    expect(listed.length).toBeGreaterThanOrEqual(4);

    // The unbounded retry: its machine is not running here and the CLI report has no chart, so the chart is drawn from the trace.
    const unbounded = report.results.find((r) => r.result.name === 'unbounded_retry')!.result.violations[0]!;
    await page.locator('#check-list li.violation[data-property="attempts-bounded"]').click();
    await page.waitForSelector('#check-canvas svg g.state', WAIT);
    expect(await page.textContent('#check-status')).toContain('statechart from the trace');
    await walk(page, unbounded.trace, (event) => (event.type === 'fail' ? /error: attempt/ : event.type === 'delay' ? /after backoff/ : undefined));

    // Prev and the arrow keys go back.
    await page.click('#check-prev');
    expect((await shown(page)).check.index).toBe(unbounded.trace.length - 2);
    await page.locator('body').press('ArrowLeft');
    expect((await shown(page)).check.index).toBe(unbounded.trace.length - 3);
  });

  it('runs the demo checks from the page and draws the trace on the strategy machine itself, fault by fault', async () => {
    await page.click('#check-run');
    await page.waitForFunction(() => window.__dataprismViz.check()?.property === 'ends-recovered-or-escalated', undefined, WAIT);
    const report = (await (await fetch(new URL('/api/check', session!.running.url))).json()) as Report;
    const violation = report.results.flatMap((r) => r.result.violations).find((v) => v.property === 'ends-recovered-or-escalated')!;
    expect(violation.trace.some((s) => s.event.type === 'fail')).toBe(true);
    expect(violation.trace.some((s) => s.event.type === 'delay')).toBe(true);
    await page.waitForSelector('#check-canvas svg g.state.deciding', WAIT);
    expect(await page.textContent('#check-status')).toContain('statechart from the report');
    // The whole machine, not only the visited states: `deciding` is never in the trace.
    expect((await shown(page)).states).toBeGreaterThan(new Set(violation.trace.map((s) => s.state)).size);
    await walk(page, violation.trace, (event) => (event.type === 'fail' ? /error: attempt/ : event.type === 'delay' ? /after backoff/ : undefined));
    const faults = await page.$$eval('#check-steps li.move-fault .move', (moves) => moves.map((m) => m.textContent));
    expect(faults).toEqual(violation.trace.filter((s) => s.event.type === 'fail').map((s) => describeEnvEvent(s.event)));
    await keepScreenshot(page, 'counterexample.png');
  });

  it('marks where a lasso (a livelock the checker reports with loopStart) repeats, and Next goes round the loop', async () => {
    let out = '';
    await checkCommand(['examples/strategies/broken.ts', '--json'], { out: (s: string) => (out += s), err: () => undefined });
    const report = JSON.parse(out) as Report;
    // The unbounded retry's trace alternates waiting/attempting: read as the lasso the checker
    // reports for a livelock, its loop starts where that alternation begins.
    const entry = report.results.find((r) => r.result.name === 'unbounded_retry')!;
    const violation = entry.result.violations[0]!;
    violation.loopStart = 3;
    report.results = [entry];
    const file = join(dir, 'lasso.json');
    writeFileSync(file, JSON.stringify(report));
    await page.setInputFiles('#check-load', file);
    await page.waitForFunction(() => document.querySelector('#check-steps li.loop-start') !== null, undefined, WAIT);
    expect(await page.getAttribute('#check-steps li.loop-start', 'data-step')).toBe('3');
    const last = violation.trace.length - 1;
    for (let i = 0; i < last; i++) await page.click('#check-next');
    expect((await shown(page)).check.index).toBe(last);
    expect(await page.isDisabled('#check-next')).toBe(false);
    await page.click('#check-next');
    const wrapped = await shown(page);
    expect(wrapped.check.index).toBe(3);
    expect(wrapped.counter).toBe(`step 3 of ${last} (in the loop)`);
    expect(wrapped.activeLeaves).toEqual(leaves(violation.trace[3]!.state));
  });

  it('says what is wrong with a file that is not a check report, and keeps the report shown', async () => {
    const before = await page.evaluate(() => window.__dataprismViz.check());
    await page.setInputFiles('#check-load', { name: 'session.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'dataprism-session', messages: [] })) });
    await page.waitForFunction(() => document.getElementById('check-status')!.classList.contains('error'), undefined, WAIT);
    expect(await page.textContent('#check-status')).toMatch(/could not load session\.json: no check results in it: load the output of `dataprism check FILE --json`/);
    expect(await page.evaluate(() => window.__dataprismViz.check())).toEqual(before);
    expect(session!.pageErrors).toEqual([]);
  });
});
