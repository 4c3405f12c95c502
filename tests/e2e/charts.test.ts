/**
 * The chart view as a user sees it, in chromium at 1440×900 on the running demo:
 * the selected actor's statechart is large and readable (every label at least 11 px
 * on screen at the default fit, measured through getScreenCTM and
 * getBoundingClientRect), zooms, pans and fits without cutting anything off,
 * highlights the active configuration and the last transition, explains the `?` of
 * guarded events, merges arrowheads, and comes into view from anywhere an actor is
 * clicked. The sequence view draws exactly the logged events and state changes as
 * arrows and notes between lifelines, in order, filtered by actor. Screenshots of
 * each view go to test-artifacts/.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailable } from '../support/browser.js';
import { drawn, keepScreenshot, openVisualizer, WAIT, type VizSession } from '../support/vizPage.js';

let session: VizSession | undefined;
let page: Page;

interface ChartFacts {
  session: string;
  scale: number;
  /** Effective on-screen font size of every label: computed font-size × the CTM's scale. */
  fontPx: number[];
  /** Rendered height of every label's bounding box. */
  boxPx: number[];
  active: string[];
  taken: string[];
  /** Chart and canvas rectangles. */
  chart: { left: number; top: number; right: number; bottom: number };
  canvas: { left: number; top: number; right: number; bottom: number };
}

function chartFacts(p: Page): Promise<ChartFacts> {
  return p.evaluate(() => {
    const canvas = document.getElementById('chart-canvas')!;
    const svg = canvas.querySelector('svg')!;
    const texts = [...svg.querySelectorAll<SVGTextElement>('text')];
    const rect = (r: DOMRect) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    return {
      session: canvas.dataset.session ?? '',
      scale: Number(svg.dataset.scale),
      fontPx: texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM()!.a),
      boxPx: texts.map((t) => t.getBoundingClientRect().height),
      active: [...svg.querySelectorAll<SVGGElement>('g.state.active')].map((g) => g.dataset.path ?? ''),
      taken: [...svg.querySelectorAll<SVGGElement>('g.edge-label.taken')].map((g) => g.dataset.events ?? ''),
      chart: rect(svg.querySelector('g.viewport')!.getBoundingClientRect()),
      canvas: rect(canvas.getBoundingClientRect()),
    };
  });
}

/** Clicks the first actor row of a kind and waits for its chart to be laid out. */
async function openChart(p: Page, kind: string): Promise<string> {
  const sessionId = (await p.locator(`.actor-row[data-kind="${kind}"]`).first().getAttribute('data-session'))!;
  // Click that actor's row by its session: the live list re-renders, and a `.first()` locator resolved
  // again at click time can land on another actor of the kind, whose chart the wait would never see.
  await p.locator(`.actor-row[data-session="${sessionId}"]`).first().click();
  await p.waitForFunction((id) => {
    const canvas = document.getElementById('chart-canvas')!;
    return canvas.dataset.session === id && canvas.querySelector('svg g.state') !== null;
  }, sessionId, WAIT);
  await drawn(p);
  return sessionId;
}

describe.skipIf(!browserAvailable)('visualizer chart view', () => {
  beforeAll(async () => {
    session = await openVisualizer();
    page = session.page;
    await page.waitForFunction(() => window.__dataprismViz.actors().some((a) => a.id.startsWith('recovery:') && a.status === 'done'), undefined, WAIT);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('shows the orchestrator first, then each selected actor large, every label at least 11 px on screen', async () => {
    await page.waitForSelector('#chart-canvas svg g.state', WAIT);
    const first = await chartFacts(page);
    const root = await page.evaluate(() => window.__dataprismViz.actors().find((a) => a.systemId === 'orchestrator')!.sessionId);
    expect(first.session).toBe(root);
    for (const kind of ['orchestrator', 'engine', 'plugin', 'recovery']) {
      await openChart(page, kind);
      const facts = await chartFacts(page);
      expect(facts.fontPx.length, kind).toBeGreaterThan(5);
      expect(Math.min(...facts.fontPx), kind).toBeGreaterThanOrEqual(11 - 1e-3);
      // The glyph boxes agree: an 11 px font renders a box at least 11 px tall.
      expect(Math.min(...facts.boxPx), kind).toBeGreaterThanOrEqual(11);
      // The canvas is the big middle panel, not a card: most of the viewport's width.
      expect(facts.canvas.right - facts.canvas.left).toBeGreaterThan(700);
      expect(facts.canvas.bottom - facts.canvas.top).toBeGreaterThan(400);
      await keepScreenshot(page, `chart-${kind}.png`);
    }
  });

  it('fits the whole chart on Fit (nothing cut off), zooms in and out around the centre, and pans by dragging', async () => {
    await openChart(page, 'orchestrator');
    await page.click('[data-testid="zoom-fit"]');
    const fit = await chartFacts(page);
    expect(fit.chart.left).toBeGreaterThanOrEqual(fit.canvas.left - 0.5);
    expect(fit.chart.right).toBeLessThanOrEqual(fit.canvas.right + 0.5);
    expect(fit.chart.top).toBeGreaterThanOrEqual(fit.canvas.top - 0.5);
    expect(fit.chart.bottom).toBeLessThanOrEqual(fit.canvas.bottom + 0.5);
    await page.click('[data-testid="zoom-in"]');
    const zoomed = await chartFacts(page);
    expect(zoomed.scale).toBeCloseTo(fit.scale * 1.25, 3);
    await page.click('[data-testid="zoom-out"]');
    expect((await chartFacts(page)).scale).toBeCloseTo(fit.scale, 3);
    const box = fit.canvas;
    await page.mouse.move(box.left + 200, box.top + 200);
    await page.mouse.down();
    await page.mouse.move(box.left + 260, box.top + 170, { steps: 4 });
    await page.mouse.up();
    const panned = await chartFacts(page);
    expect(panned.chart.left - fit.chart.left).toBeCloseTo(60, 0);
    expect(panned.chart.top - fit.chart.top).toBeCloseTo(-30, 0);
    // Readable brings the labels back to at least 11 px.
    await page.click('[data-testid="zoom-readable"]');
    expect(Math.min(...(await chartFacts(page)).fontPx)).toBeGreaterThanOrEqual(11 - 1e-3);
  });

  it('highlights the active configuration and the last transition of the shown actor', async () => {
    const sessionId = await openChart(page, 'plugin');
    // Wait for the plugin to move once more while shown, so its last event is a real transition.
    await page.waitForFunction(
      (id) => {
        const svg = document.querySelector('#chart-canvas svg')!;
        return document.getElementById('chart-canvas')!.dataset.session === id && svg.querySelectorAll('g.edge-label.taken').length > 0;
      },
      sessionId,
      WAIT,
    );
    // Paused, so the chart and the model are read at the same moment.
    await page.click('#pause');
    await drawn(page);
    const facts = await chartFacts(page);
    const actor = await page.evaluate((id) => window.__dataprismViz.actors().find((a) => a.sessionId === id)!, sessionId);
    const value = typeof actor.value === 'string' ? actor.value : Object.keys(actor.value as object)[0]!;
    expect(facts.active).toContain(value);
    expect(await page.locator('#chart-header .chart-value').textContent()).toContain(value);
    expect(facts.taken.length).toBeGreaterThan(0);
    await page.click('#pause');
  });

  it('explains the ? of guarded events in the legend and in each label tooltip', async () => {
    await openChart(page, 'orchestrator');
    const guarded = await page.$$eval('#chart-canvas g.edge-label.guarded', (labels) => labels.map((g) => ({ text: g.querySelector('text')!.textContent!, title: g.querySelector('title')!.textContent! })));
    expect(guarded.length).toBeGreaterThan(0);
    for (const label of guarded) {
      expect(label.text).toContain('?');
      expect(label.title).toMatch(/guarded: taken only when its guard holds/);
    }
    expect(await page.locator('[data-testid="legend"]').textContent()).toMatch(/EVENT\?\s*guarded: taken only (when|if) its guard holds/);
  });

  it('places every edge label on its own edge', async () => {
    for (const kind of ['orchestrator', 'engine', 'plugin', 'recovery']) {
      await openChart(page, kind);
      const distances = await page.evaluate(() => {
        const svg = document.querySelector('#chart-canvas svg')!;
        return [...svg.querySelectorAll<SVGGElement>('g.edge-label')].map((label) => {
          const plate = label.querySelector('rect')!;
          const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(plate.getAttribute(a))) as [number, number, number, number];
          let best = Infinity;
          for (const path of svg.querySelectorAll(`g.edge[data-edge="${label.dataset.edge}"] path`)) {
            const points = path.getAttribute('d')!.split(/[ML]/).filter(Boolean).map((p) => p.split(',').map(Number) as [number, number]);
            for (let i = 1; i < points.length; i++) {
              const [x1, y1] = points[i - 1]!;
              const [x2, y2] = points[i]!;
              for (let t = 0; t <= 1; t += 0.01) {
                const px = x1 + (x2 - x1) * t;
                const py = y1 + (y2 - y1) * t;
                best = Math.min(best, Math.hypot(Math.max(x - px, 0, px - x - w), Math.max(y - py, 0, py - y - h)));
              }
            }
          }
          return { text: label.querySelector('text')!.textContent!, distance: best };
        });
      });
      expect(distances.length, kind).toBeGreaterThan(3);
      // In chart units (≈ px at the readable fit): a label touches its edge, it does not float beside another one.
      for (const { text, distance } of distances) expect(distance, `${kind}: ${text}`).toBeLessThanOrEqual(6);
    }
  });

  it('ends the edges into a state in shared arrowheads, not a stack of one per edge', async () => {
    for (const kind of ['orchestrator', 'engine', 'plugin', 'recovery']) {
      await openChart(page, kind);
      const perSide = await page.evaluate(() => {
        const svg = document.querySelector('#chart-canvas svg')!;
        const boxes = new Map<string, { x: number; y: number; w: number; h: number; atomic: boolean }>();
        for (const g of svg.querySelectorAll<SVGGElement>('g.state')) {
          const r = g.querySelector('rect.outer')!;
          boxes.set(g.dataset.path!, { x: +r.getAttribute('x')!, y: +r.getAttribute('y')!, w: +r.getAttribute('width')!, h: +r.getAttribute('height')!, atomic: g.classList.contains('atomic') || g.classList.contains('final') });
        }
        const ends = new Map<string, Set<string>>();
        for (const g of svg.querySelectorAll<SVGGElement>('g.edge')) {
          const box = boxes.get(g.dataset.target!);
          if (!box) continue;
          for (const path of g.querySelectorAll('path')) {
            const points = path.getAttribute('d')!.split(/[ML]/).filter(Boolean);
            const [x, y] = points.at(-1)!.split(',').map(Number) as [number, number];
            const side = Math.abs(y - box.y) < 2 ? 'top' : Math.abs(y - box.y - box.h) < 2 ? 'bottom' : Math.abs(x - box.x) < 2 ? 'left' : 'right';
            const key = `${g.dataset.target} ${side} ${box.atomic ? 'atomic' : 'compound'}`;
            if (!ends.has(key)) ends.set(key, new Set());
            ends.get(key)!.add(`${Math.round(x)},${Math.round(y)}`);
          }
        }
        return [...ends].map(([key, points]) => [key, points.size] as const);
      });
      for (const [key, count] of perSide) {
        // Edges into a side share their entry point (ELK's merged edges); edges that
        // cross a compound boundary from another level keep their own, so a side may
        // show two (atomic) or three (compound) heads — never the stacks of 4–5 of one per edge.
        expect(count, `${kind}: ${key}`).toBeLessThanOrEqual(key.endsWith('atomic') ? 2 : 3);
      }
    }
  });

  it('shows every actor by its full name, and clicking an actor in the timeline brings its chart into view', async () => {
    const rows = await page.$$eval('.actor-row', (items) =>
      items.map((row) => {
        const label = row.querySelector<HTMLElement>('.label')!;
        return { session: (row as HTMLElement).dataset.session!, name: (row as HTMLElement).dataset.name!, text: label.textContent!, cut: label.scrollWidth > label.clientWidth + 1, title: (row as HTMLElement).title };
      }),
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      expect(row.text).toBe(row.name);
      expect(row.cut, row.name).toBe(false);
      expect(row.title).toContain(row.name);
    }
    const machineNames = rows.filter((r) => /^recovery:/.test(r.name)).map((r) => r.name);
    expect(new Set(machineNames).size).toBe(machineNames.length);

    // Click a recovery's row in the timeline (paused, so the row stays put): its chart is shown and in view.
    await page.click('#pause');
    await drawn(page);
    const target = page.locator('#timeline li[data-session][data-type^="recovery:"]').first();
    const sessionId = (await target.getAttribute('data-session'))!;
    await target.click();
    await page.waitForFunction((id) => document.getElementById('chart-canvas')!.dataset.session === id && document.querySelector('#chart-canvas svg g.state') !== null, sessionId, WAIT);
    const inView = await page.evaluate(() => {
      const r = document.getElementById('chart-canvas')!.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
    });
    expect(inView).toBe(true);
    expect(await page.locator(`.actor-row.selected[data-session="${sessionId}"]`).count()).toBe(1);
    await page.click('#pause');
    expect(session!.pageErrors).toEqual([]);
  });

  it('draws the sequence view: one arrow per logged event and one note per state change, in order, filtered by actor', async () => {
    await page.click('.tabs [data-tab="sequence"]');
    await page.waitForSelector('#seq-body svg g.arrow', WAIT);
    await page.click('#pause');
    await drawn(page);
    const pausedSeq = (await page.evaluate(() => window.__dataprismViz.view())).pausedSeq!;
    const download = page.waitForEvent('download');
    await page.click('#export');
    const saved = JSON.parse(readFileSync((await (await download).path())!, 'utf8')) as {
      messages: Array<{ kind: string; seq: number; sessionId?: string; sourceId?: string; type?: string }>;
    };

    const read = () =>
      page.evaluate(() => ({
        lanes: [...document.querySelectorAll<HTMLElement>('#seq-heads .lane-head[data-session]')].map((h) => h.dataset.session!),
        marks: [...document.querySelectorAll<SVGGElement>('#seq-body svg g.arrow, #seq-body svg g.note')].map((g) => ({
          seq: Number(g.dataset.seq),
          arrow: g.classList.contains('arrow'),
          from: g.dataset.from ?? null,
          to: g.dataset.to!,
          type: g.dataset.type ?? null,
          y: g.getBoundingClientRect().top,
        })),
      }));
    const expectMatchesLog = (view: Awaited<ReturnType<typeof read>>) => {
      const lanes = new Set(view.lanes);
      // Paused: the log went on growing during the export; the view ends where the pause began.
      const expected = saved.messages.filter((m) => m.seq <= pausedSeq && (m.kind === 'event' || m.kind === 'snapshot') && lanes.has(m.sessionId!)).slice(-300);
      expect(view.marks.map((m) => m.seq)).toEqual(expected.map((m) => m.seq));
      const bySeq = new Map(saved.messages.map((m) => [m.seq, m]));
      for (const mark of view.marks) {
        const m = bySeq.get(mark.seq)!;
        expect(mark.arrow).toBe(m.kind === 'event');
        expect(mark.to).toBe(m.sessionId);
        if (mark.arrow) {
          expect(mark.type).toBe(m.type);
          // From its sender's lifeline when the sender is shown, else from "outside".
          expect(mark.from).toBe(m.sourceId && lanes.has(m.sourceId) ? m.sourceId : '');
        }
      }
      // Time order, top to bottom.
      for (let i = 1; i < view.marks.length; i++) expect(view.marks[i]!.y).toBeGreaterThan(view.marks[i - 1]!.y);
    };

    const all = await read();
    expect(all.marks.filter((m) => m.arrow).length).toBeGreaterThan(10);
    expect(all.marks.some((m) => m.arrow && m.from !== '')).toBe(true);
    expectMatchesLog(all);
    await keepScreenshot(page, 'sequence.png');

    // Hide the orchestrator's lifeline: nothing is drawn on it, and what it sent now comes from outside.
    const orchestrator = await page.evaluate(() => window.__dataprismViz.actors().find((a) => a.systemId === 'orchestrator')!.sessionId);
    // The log keeps growing while paused; the chips must stay the same elements, or a click lands on a detached box.
    const chip = await page.$(`#seq-chips input[data-session="${orchestrator}"]`);
    const logged = await page.evaluate(() => window.__dataprismViz.stats().logged);
    await page.waitForFunction((n) => window.__dataprismViz.stats().logged > n, logged, WAIT);
    // Past the view's 200 ms redraw throttle, so a redraw has happened since the log grew.
    await page.waitForTimeout(400);
    await drawn(page);
    expect(await chip!.evaluate((box) => box.isConnected)).toBe(true);
    await page.locator(`#seq-chips input[data-session="${orchestrator}"]`).uncheck();
    await drawn(page);
    const filtered = await read();
    expect(filtered.lanes).not.toContain(orchestrator);
    expect(filtered.marks.some((m) => m.to === orchestrator || m.from === orchestrator)).toBe(false);
    expectMatchesLog(filtered);
    await page.locator(`#seq-chips input[data-session="${orchestrator}"]`).check();
    await drawn(page);
    expect((await read()).lanes).toContain(orchestrator);

    // A lifeline's head opens that actor's chart.
    await page.locator(`#seq-heads .lane-head[data-session="${orchestrator}"]`).click();
    await page.waitForFunction((id) => !document.getElementById('tab-chart')!.hidden && document.getElementById('chart-canvas')!.dataset.session === id, orchestrator, WAIT);
    await page.click('#pause');
    expect(session!.pageErrors).toEqual([]);
  });

  it('plots the metrics with a time axis, human units and full legend names', async () => {
    await page.click('.tabs [data-tab="metrics"]');
    await page.waitForSelector('#metrics figure.metric-chart[data-unit="bytes"][data-yticks]', WAIT);
    await page.waitForFunction(() => document.querySelectorAll('#metrics figure.metric-chart[data-xticks]').length >= 3, undefined, WAIT);
    // The legends show the latest sample's values once it is drawn.
    await page.waitForFunction(() => [...document.querySelectorAll('#metrics .u-legend .u-value')].every((v) => v.textContent !== '—'), undefined, WAIT);
    const charts = await page.$$eval('#metrics figure.metric-chart', (figures) =>
      figures.map((f) => ({
        group: (f as HTMLElement).dataset.group!,
        unit: (f as HTMLElement).dataset.unit!,
        caption: f.querySelector('figcaption')!.textContent!,
        yticks: JSON.parse((f as HTMLElement).dataset.yticks ?? '[]') as string[],
        xticks: JSON.parse((f as HTMLElement).dataset.xticks ?? '[]') as string[],
        legend: [...f.querySelectorAll<HTMLElement>('.u-legend .u-series')].slice(1).map((row) => {
          const label = row.querySelector<HTMLElement>('.u-label')!;
          return { label: label.textContent!, value: row.querySelector('.u-value')!.textContent!, cut: label.scrollWidth > label.clientWidth + 1 };
        }),
        width: f.getBoundingClientRect().width,
      })),
    );
    const byUnit = (unit: string) => charts.filter((c) => c.unit === unit);
    expect(byUnit('bytes').length).toBeGreaterThan(0);
    const usage = charts.find((c) => c.group === 'usage (bytes)')!;
    expect(usage.caption).toBe('usage (bytes)');
    for (const tick of usage.yticks) expect(tick).toMatch(/^\d+(\.\d+)? (B|KiB|MiB|GiB)$/);
    // The demo's memory limit is 256 MiB: the legend says so in those words, not `268.44M`.
    expect(usage.legend.find((l) => l.label === 'total')!.value).toBe('256 MiB');
    const timers = charts.find((c) => c.unit === 'ms');
    expect(timers).toBeDefined();
    for (const tick of timers!.yticks) expect(tick).toMatch(/^\d+(\.\d+)? (ms|s)$/);
    for (const chart of charts) {
      expect(chart.xticks.length, chart.group).toBeGreaterThan(0);
      for (const tick of chart.xticks) expect(tick).toMatch(/^\d\d:\d\d:\d\d/);
      expect(chart.width).toBeGreaterThan(300);
      for (const entry of chart.legend) expect(entry.cut, `${chart.group}: ${entry.label}`).toBe(false);
    }
    const fragmentation = charts.find((c) => c.unit === 'ratio');
    if (fragmentation) for (const tick of fragmentation.yticks) expect(tick).toMatch(/ %$/);
    await keepScreenshot(page, 'metrics.png');
    expect(session!.pageErrors).toEqual([]);
  });
});
