// The counterexample view: a model-checker report (loaded from `dataprism check FILE
// --json`, or run by the relay in demo mode) as a list of violated properties; the
// chosen one's trace is stepped through on the checked machine's statechart, state by
// state, each step saying which fault, delay or event of the environment drove it.
// The statechart is the report's own when it has one, else the one of a live actor
// running the same machine, else one drawn from the trace itself.

import { el } from './format.js';
import { chartFromTrace, checkItems, describeMove, machineEventOf, moveKind, stateValueOf } from './checkTrace.js';

/** Where a lasso counterexample's loop begins (`loopStart` of the checker's JSON), or undefined for a plain trace. */
function loopStartOf(violation) {
  const n = violation.loopStart;
  return Number.isInteger(n) && n > 0 && n < violation.trace.length ? n : undefined;
}

export function createCheckView({ chartView, list, steps, status, prev, next, counter }) {
  let items = [];
  let current = null; // { item, violation, index }

  const setStatus = (text, error = false) => {
    status.textContent = text;
    status.classList.toggle('error', error);
  };

  /** The statechart of a checked item and where it came from. */
  const chartFor = (store, item, violation) => {
    if (item.chart) return { chart: item.chart, from: 'the report' };
    for (const actor of store.actors.values()) {
      if (actor.definition && (actor.logic === item.name || actor.definition.id === item.name)) return { chart: actor.definition, from: `live actor ${actor.sessionId}` };
    }
    return { chart: chartFromTrace(item.name, violation.trace), from: 'the trace (the report has no statechart and no live actor runs this machine)' };
  };

  const showStep = (index) => {
    if (!current) return;
    const trace = current.violation.trace;
    const loop = loopStartOf(current.violation);
    // A lasso repeats forever: stepping past its end goes round the loop again.
    const i = loop !== undefined && index > trace.length - 1 ? loop : Math.max(0, Math.min(trace.length - 1, index));
    current.index = i;
    const step = trace[i];
    chartView.step(stateValueOf(step.state), machineEventOf(step.event), `step ${i}: ${step.state}`);
    for (const li of steps.children) li.classList.toggle('current', Number(li.dataset.step) === i);
    steps.children[i]?.scrollIntoView({ block: 'nearest' });
    counter.textContent = `step ${i} of ${trace.length - 1}${loop !== undefined && i >= loop ? ' (in the loop)' : ''}`;
    counter.dataset.step = String(i);
    prev.disabled = i === 0;
    next.disabled = i === trace.length - 1 && loop === undefined;
  };

  const choose = (store, item, violation) => {
    current = { item, violation, index: 0 };
    for (const li of list.querySelectorAll('li')) li.classList.toggle('selected', li.dataset.key === `${item.export}\u0000${violation.property}`);
    steps.replaceChildren(
      ...violation.trace.map((step, i) => {
        const li = el('li', `move-${moveKind(step.event)}`);
        li.dataset.step = String(i);
        li.dataset.state = step.state;
        li.dataset.move = moveKind(step.event);
        const facts = [`t=${Number.isInteger(step.timeMs) ? step.timeMs : Number(step.timeMs).toFixed(1)} ms`];
        if (step.attempts !== undefined) facts.push(`attempts=${step.attempts}`);
        if (Array.isArray(step.emitted) && step.emitted.length > 0) facts.push(`emits ${step.emitted.join(', ')}`);
        li.append(el('span', 'n', String(i)), el('span', 'move', describeMove(step.event)), el('span', 'to', `→ ${step.state}`), el('span', 'facts', facts.join(' · ')));
        if (i === loopStartOf(violation)) {
          li.classList.add('loop-start');
          li.title = `from here the run repeats forever: after step ${violation.trace.length - 1} it is back in step ${i - 1}'s state`;
        }
        li.addEventListener('click', () => showStep(i));
        return li;
      }),
    );
    const { chart, from } = chartFor(store, item, violation);
    setStatus(`${item.name}: ${violation.property} — ${violation.message} (statechart from ${from})`);
    chartView.showDefinition(store, chart, item.name, () => showStep(current.index));
  };

  return {
    /** Shows a check report; selects its first violation. */
    load(store, json, source) {
      items = checkItems(json);
      list.replaceChildren();
      let first = null;
      for (const item of items) {
        const r = item.result;
        const head = el('li', `result ${r.violations.length > 0 ? 'fail' : r.complete === false ? 'incomplete' : 'pass'}`);
        head.append(
          el('b', '', item.export === item.name ? item.name : `${item.export} (${item.name})`),
          el('span', '', r.violations.length > 0 ? ` ${r.violations.length} violated` : r.complete === false ? ' incomplete' : ` all ${Array.isArray(r.properties) ? r.properties.length : ''} properties hold`),
        );
        if (Number.isFinite(r.statesExplored)) head.title = `${r.statesExplored} states, ${r.transitions} transitions explored`;
        list.append(head);
        for (const violation of r.violations) {
          if (!Array.isArray(violation.trace) || violation.trace.length === 0) continue;
          const li = el('li', 'violation');
          li.dataset.key = `${item.export}\u0000${violation.property}`;
          li.dataset.property = violation.property;
          li.append(el('span', 'property', violation.property), el('span', 'message', violation.message));
          li.title = `${violation.trace.length} steps: click to step through them on the statechart`;
          li.addEventListener('click', () => choose(store, item, violation));
          list.append(li);
          first ??= { item, violation };
        }
      }
      if (first) choose(store, first.item, first.violation);
      else {
        current = null;
        steps.replaceChildren();
        counter.textContent = '';
        setStatus(`${source}: every property holds — no counterexample to show`);
      }
      return items.length;
    },
    step: (delta) => current && showStep(current.index + delta),
    setStatus,
    /** The trace shown and the step at, for tests. */
    state: () => (current ? { name: current.item.name, property: current.violation.property, index: current.index, steps: current.violation.trace.length } : null),
  };
}
