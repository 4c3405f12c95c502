// The session's time axis: how many messages arrived when (a stacked histogram by
// kind), tick labels in wall-clock time, and the time cursor. Pressing or dragging
// on it travels back to that moment (every view then shows the system as it was);
// the arrow keys step from one state transition to the next.

import { formatTime } from './format.js';

const KIND_COLORS = { bus: '#d29922', snapshot: '#2f9e6b', event: '#4fb3ff' };
const TICK_STEPS = [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

/** A "nice" tick step in ms so that ticks are at least `minPx` apart. */
export function tickStep(spanMs, widthPx, minPx = 90) {
  const wanted = (spanMs * minPx) / Math.max(1, widthPx);
  return TICK_STEPS.find((s) => s >= wanted) ?? TICK_STEPS[TICK_STEPS.length - 1];
}

export function createTimeAxis({ canvas, label, onTravel }) {
  let span = { start: 0, end: 1 };
  let lastDraw = 0;
  let lastEpoch = -1;
  let lastLength = -1;
  let lastCursor;

  const timeAt = (clientX) => {
    const rect = canvas.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    return span.start + f * (span.end - span.start);
  };
  let dragging = false;
  canvas.addEventListener('pointerdown', (event) => {
    dragging = true;
    canvas.setPointerCapture(event.pointerId);
    onTravel(timeAt(event.clientX));
  });
  canvas.addEventListener('pointermove', (event) => {
    if (dragging) onTravel(timeAt(event.clientX));
  });
  canvas.addEventListener('pointerup', () => {
    dragging = false;
  });

  return {
    /** The time range drawn, for tests and for the keyboard. */
    span: () => ({ ...span }),
    /** Redraws at most 5 times a second while live (a 100k-message log is binned each time), at once after a cursor move. */
    render(store, force = false) {
      const now = performance.now();
      const changed = store.logEpoch !== lastEpoch || store.log.length !== lastLength || store.cursor !== lastCursor;
      if (!changed && !force) return;
      if (!force && store.cursor === lastCursor && now - lastDraw < 200) return;
      lastDraw = now;
      lastEpoch = store.logEpoch;
      lastLength = store.log.length;
      lastCursor = store.cursor;
      draw(store);
    },
  };

  function draw(store) {
    const log = store.log;
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * dpr)) canvas.width = Math.round(width * dpr);
    if (canvas.height !== Math.round(height * dpr)) canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    if (log.length === 0) {
      label.textContent = 'no events yet';
      return;
    }
    const start = log[0].time;
    const end = Math.max(log[log.length - 1].time, start + 1000);
    span = { start, end };
    canvas.dataset.start = String(start);
    canvas.dataset.end = String(end);
    const axisY = height - 14;
    const binPx = 3;
    const bins = Math.max(1, Math.floor(width / binPx));
    const counts = { bus: new Uint32Array(bins), snapshot: new Uint32Array(bins), event: new Uint32Array(bins) };
    const scale = bins / (end - start);
    for (const message of log) {
      const c = counts[message.kind];
      if (!c) continue;
      const b = Math.min(bins - 1, Math.floor((message.time - start) * scale));
      c[b]++;
    }
    let max = 1;
    for (let b = 0; b < bins; b++) max = Math.max(max, counts.bus[b] + counts.snapshot[b] + counts.event[b]);
    const barHeight = axisY - 4;
    for (let b = 0; b < bins; b++) {
      let y = axisY;
      for (const kind of ['snapshot', 'bus', 'event']) {
        const n = counts[kind][b];
        if (n === 0) continue;
        // Square-root scale: one busy burst must not flatten the rest of the session.
        const h = Math.max(1, (Math.sqrt(n) / Math.sqrt(max)) * barHeight * (n / (counts.bus[b] + counts.snapshot[b] + counts.event[b])));
        ctx.fillStyle = KIND_COLORS[kind];
        ctx.fillRect(b * binPx, y - h, binPx - 1, h);
        y -= h;
      }
    }
    ctx.strokeStyle = '#3b4754';
    ctx.beginPath();
    ctx.moveTo(0, axisY + 0.5);
    ctx.lineTo(width, axisY + 0.5);
    ctx.stroke();
    const step = tickStep(end - start, width);
    ctx.fillStyle = '#8593a1';
    ctx.font = '11px ui-monospace, monospace';
    ctx.textBaseline = 'top';
    for (let t = Math.ceil(start / step) * step; t <= end; t += step) {
      const x = ((t - start) / (end - start)) * width;
      ctx.fillRect(Math.round(x), axisY, 1, 4);
      const text = formatTime(t).slice(0, step >= 1000 ? 8 : 12);
      const w = ctx.measureText(text).width;
      if (x + w / 2 < width && x - w / 2 > 0) ctx.fillText(text, x - w / 2, axisY + 3);
    }
    if (store.cursor !== null) {
      const x = ((store.cursor - start) / (end - start)) * width;
      ctx.fillStyle = 'rgba(15, 20, 25, 0.55)';
      ctx.fillRect(x, 0, width - x, axisY);
      ctx.fillStyle = '#4fb3ff';
      ctx.fillRect(Math.round(x) - 1, 0, 2, axisY + 6);
      label.textContent = `${store.paused ? 'paused' : 'at'} ${formatTime(store.cursor)} (−${((log[log.length - 1].time - store.cursor) / 1000).toFixed(1)} s)`;
    } else {
      label.textContent = `live · ${((end - start) / 1000).toFixed(0)} s of session`;
    }
  }
}
