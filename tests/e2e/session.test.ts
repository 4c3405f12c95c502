/**
 * The visualizer's session as a user handles it, in chromium on the running demo:
 * timeline filters that are views (hiding rows never loses them), pause and resume,
 * travelling back in time (every actor shows the state it had then), and a session
 * exported as JSON and loaded back. Screenshots go to test-artifacts/.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailable } from '../support/browser.js';
import { drawn, keepScreenshot, openVisualizer, WAIT, type VizSession } from '../support/vizPage.js';

let session: VizSession | undefined;
let page: Page;

interface Row {
  seq: number;
  type: string;
  kind: string;
  text: string;
}

/** The timeline as a user sees it: every row's seq, type column, kind class and text. */
async function timelineRows(p: Page): Promise<Row[]> {
  await drawn(p);
  return p.$$eval('#timeline li', (items) =>
    items.map((li) => ({
      seq: Number((li as HTMLElement).dataset.seq),
      type: (li as HTMLElement).dataset.type ?? '',
      kind: li.className,
      text: li.textContent ?? '',
    })),
  );
}

interface SessionFile {
  format: string;
  stats: { lastSeq: number; gaps: number };
  messages: Array<{ kind: string; seq: number; time: number; sessionId?: string; value?: unknown; status?: string }>;
}

describe.skipIf(!browserAvailable)('visualizer session: filters, pause, time travel, export and load', () => {
  beforeAll(async () => {
    session = await openVisualizer();
    page = session.page;
    // Enough history for the filters to hide something: a few recovered rounds.
    await page.waitForFunction(() => (window.__dataprismViz.stats().byType['error:recovered'] ?? 0) >= 3, undefined, WAIT);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('a text filter narrows the timeline and clearing it brings every row back', async () => {
    await page.click('#pause');
    const before = await timelineRows(page);
    expect(before.length).toBeGreaterThan(50);
    await page.fill('#timeline-filter', 'flaky-report');
    const filtered = await timelineRows(page);
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.length).toBeLessThan(before.length);
    for (const row of filtered) expect(row.text.toLowerCase()).toContain('flaky-report');
    // A filter that matches nothing shows nothing, and says so.
    await page.fill('#timeline-filter', 'no-such-thing-anywhere');
    expect(await timelineRows(page)).toEqual([]);
    expect(await page.textContent('#timeline-count')).toBe('0 matching');
    await page.fill('#timeline-filter', '');
    const after = await timelineRows(page);
    expect(after.map((r) => r.seq)).toEqual(before.map((r) => r.seq));
  });

  it('unchecking a kind hides its rows; checking it again shows the same rows', async () => {
    const before = await timelineRows(page);
    expect(before.some((r) => r.kind === 'k-snapshot')).toBe(true);
    await page.uncheck('#show-transitions');
    const hidden = await timelineRows(page);
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden.every((r) => r.kind !== 'k-snapshot')).toBe(true);
    await page.uncheck('#show-bus');
    expect(await timelineRows(page)).toEqual([]);
    await page.check('#show-bus');
    await page.check('#show-transitions');
    expect((await timelineRows(page)).map((r) => r.seq)).toEqual(before.map((r) => r.seq));
  });

  it('pause freezes every view while events keep being counted; resume catches up', async () => {
    // Paused since the first test: the rows are frozen, the counters are not.
    const frozen = await timelineRows(page);
    const received = (await page.evaluate(() => window.__dataprismViz.stats())).received;
    await page.waitForFunction((n) => window.__dataprismViz.stats().received > n + 20, received, WAIT);
    expect((await timelineRows(page)).map((r) => r.seq)).toEqual(frozen.map((r) => r.seq));
    expect(await page.textContent('#pause')).toBe('Resume');
    expect(await page.textContent('#time-label')).toMatch(/^paused /);
    await page.click('#pause');
    await page.waitForFunction((top) => Number((document.querySelector('#timeline li') as HTMLElement | null)?.dataset.seq) > top, frozen[0]!.seq, WAIT);
    expect((await page.evaluate(() => window.__dataprismViz.view())).cursor).toBeNull();
    expect(await page.textContent('#pause')).toBe('Pause');
  });

  it('exports the session as JSON and travels back in time: every actor shows the state it had then', async () => {
    await page.click('#pause');
    const download = page.waitForEvent('download');
    await page.click('#export');
    const file = (await (await download).path())!;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SessionFile;
    expect(saved.format).toBe('dataprism-session');
    const stats = await page.evaluate(() => window.__dataprismViz.stats());
    // Everything logged up to the export (the log goes on growing while paused), with no gap.
    expect(saved.messages.length).toBeLessThanOrEqual(stats.logged);
    expect(saved.messages.at(-1)!.seq).toBe(saved.stats.lastSeq);
    expect(saved.stats.gaps).toBe(0);
    const seqs = saved.messages.map((m) => m.seq);
    expect(new Set(seqs).size).toBe(seqs.length);

    // Press the time axis where the second recovery ended (the plugins exist by then).
    const recoveredAt = saved.messages.filter((m) => m.kind === 'bus' && (m as { type?: string }).type === 'error:recovered')[1]!.time;
    const span = (await page.evaluate(() => window.__dataprismViz.view())).span;
    const fraction = (recoveredAt - span.start) / (span.end - span.start);
    const box = (await page.locator('#time-axis').boundingBox())!;
    await page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
    const view = await page.evaluate(() => window.__dataprismViz.view());
    expect(view.cursor).not.toBeNull();
    const cursor = view.cursor!;
    // Where the press lands on the axis as drawn then; the log grows while paused, so the
    // axis may have been redrawn (a little longer) between reading its span and the press.
    const grown = view.span.end - span.end;
    expect(Math.abs(cursor - (span.start + fraction * (span.end - span.start)))).toBeLessThan((span.end - span.start) / 50 + grown);

    // What the exported log says each actor's state was at the cursor.
    const expected = new Map<string, unknown>();
    const born = new Set<string>();
    for (const m of saved.messages) {
      if (m.time > cursor) continue;
      if (m.kind === 'actor') {
        born.add(m.sessionId!);
        expected.set(m.sessionId!, m.value);
      }
      if (m.kind === 'snapshot' && m.value !== undefined) expected.set(m.sessionId!, m.value);
    }
    const shown = await page.evaluate(() => window.__dataprismViz.actors());
    const machines = shown.filter((a) => born.has(a.sessionId));
    expect(machines.length).toBeGreaterThan(3);
    for (const actor of machines) expect(actor.value, actor.systemId ?? actor.id).toEqual(expected.get(actor.sessionId));
    // Actors created after the cursor are not shown at all.
    const later = saved.messages.filter((m) => m.kind === 'actor' && m.time > cursor).map((m) => m.sessionId);
    for (const id of later) expect(shown.some((a) => a.sessionId === id)).toBe(false);
    // The rows say so too, and the timeline ends at the cursor.
    await drawn(page);
    const rowStates = await page.$$eval('.actor-row', (rows) => rows.map((r) => (r as HTMLElement).dataset.session));
    for (const id of later) expect(rowStates).not.toContain(id);
    const rows = await timelineRows(page);
    const latestShown = Math.max(...rows.map((r) => r.seq));
    const timeOf = new Map(saved.messages.map((m) => [m.seq, m.time]));
    expect(timeOf.get(latestShown)!).toBeLessThanOrEqual(cursor);
    await keepScreenshot(page, 'time-travel.png');

    // The arrow keys step to the next state transition.
    await page.locator('body').press('ArrowRight');
    const next = (await page.evaluate(() => window.__dataprismViz.view())).cursor!;
    const firstAfter = saved.messages.find((m) => m.kind === 'snapshot' && m.time > cursor)!;
    expect(next).toBe(firstAfter.time);

    // Load the exported file back: the same actors, the same log, no live updates.
    await page.setInputFiles('#load', file);
    await page.waitForFunction(() => window.__dataprismViz.view().source !== 'live', undefined, WAIT);
    const loaded = await page.evaluate(() => window.__dataprismViz.stats());
    expect(loaded.logged).toBe(saved.messages.length);
    expect(loaded.lastSeq).toBe(saved.stats.lastSeq);
    const atEnd = await page.evaluate(() => window.__dataprismViz.actors());
    expect(atEnd.length).toBeGreaterThan(3);
    await page.waitForFunction(() => document.querySelectorAll('#timeline li').length > 50, undefined, WAIT);
    expect(await page.textContent('#connection')).toContain('session:');
    // A bad file is refused with a message, and the loaded session stays.
    await page.setInputFiles('#load', { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
    await page.waitForFunction(() => document.getElementById('connection')!.textContent!.startsWith('could not load notes.json'), undefined, WAIT);
    expect((await page.evaluate(() => window.__dataprismViz.stats())).logged).toBe(saved.messages.length);
    expect(session!.pageErrors).toEqual([]);
  });

  it('connects with the token of its own URL, and says what to do when the token is wrong', async () => {
    const token = new URL(session!.running.url).searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(16);
    const second = await session!.context.newPage();
    const sockets: string[] = [];
    second.on('websocket', (ws) => sockets.push(ws.url()));
    // The token in the fragment works as well as in the query.
    await second.goto(session!.running.url.replace(`?token=${token}`, `#token=${token}`));
    await second.waitForSelector('#connection.pill-on', WAIT);
    expect(new URL(sockets[0]!).searchParams.get('token')).toBe(token);
    const wrong = 'x'.repeat(token.length);
    await second.goto(session!.running.url.replace(token, wrong));
    await second.waitForFunction(() => document.getElementById('connection')!.textContent!.startsWith('cannot connect'), undefined, WAIT);
    expect(await second.textContent('#connection')).toContain('?token=');
    expect(await second.evaluate(() => window.__dataprismViz.stats().received)).toBe(0);
    await second.close();
  });
});
