/** Renders a check result as readable text: one line per property, then each counterexample. */
import type { CheckResult, EnvEvent, TraceStep } from './types.js';

/** One environment move in words: `attempt fails (timeout)`, `backoff elapses (+120 ms)`. */
export function describeEnvEvent(event: EnvEvent): string {
  switch (event.type) {
    case 'start':
      return event.variant === 'input' ? 'start' : `start (${event.variant})`;
    case 'done':
      return `${event.machine ? `${event.machine}: ` : ''}${event.output === 0 ? `${event.actor} succeeds` : `${event.actor} succeeds (output #${event.output})`}`;
    case 'fail':
      return `${event.machine ? `${event.machine}: ` : ''}${event.actor} fails (${event.fault})`;
    case 'delay':
      return `${event.delay} elapses (+${formatMs(event.ms)} ms)`;
    case 'send':
      return event.machine ? `${event.machine} ← ${event.event.type}` : `send ${event.event.type}`;
    case 'dispose':
      return 'plugin is disposed';
  }
}

function formatMs(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : ms.toFixed(1);
}

/** One trace step as a line. */
export function formatStep(step: TraceStep, index: number): string {
  const parts = [`${String(index).padStart(3)}. ${describeEnvEvent(step.event).padEnd(34)} → ${step.state}`];
  const facts: string[] = [`t=${formatMs(step.timeMs)}ms`];
  if (step.attempts !== undefined) facts.push(`attempts=${step.attempts}`);
  if (step.running.length > 0) facts.push(`running=[${step.running.join(',')}]`);
  if (step.emitted.length > 0) facts.push(`emits ${step.emitted.join(', ')}`);
  return `${parts[0]}  (${facts.join(' ')})`;
}

/** The whole result: a summary line, each property PASS/FAIL, then the counterexamples. */
export function formatCheckResult(result: CheckResult): string {
  const lines: string[] = [];
  const verdict = result.ok ? 'OK' : result.violations.length > 0 ? 'VIOLATIONS' : 'INCOMPLETE';
  lines.push(
    `${result.name}: ${verdict} — ${result.statesExplored} states, ${result.transitions} transitions, ${result.durationMs.toFixed(0)} ms` +
      (result.complete ? '' : ' (state or depth limit reached: the exploration is incomplete)'),
  );
  if (result.unsentEvents && result.unsentEvents.length > 0) {
    lines.push(
      `  NOTE  the machine handles ${result.unsentEvents.join(', ')}, which the check never sends: what they lead to is unexplored. ` +
        'Send them with `events` (API) or --send TYPE (CLI).',
    );
  }
  const violated = new Map(result.violations.map((v) => [v.property, v]));
  for (const property of result.properties) {
    const v = violated.get(property);
    lines.push(`  ${v ? 'FAIL' : 'pass'}  ${property}${v ? `: ${v.message}` : ''}`);
  }
  for (const v of result.violations) {
    const lasso = v.loopStart !== undefined;
    lines.push('', `counterexample for ${v.property} (${v.trace.length} step${v.trace.length === 1 ? '' : 's'}${lasso ? `: ${v.loopStart} to enter the loop, then ${v.trace.length - v.loopStart!} that repeat${v.trace.length - v.loopStart! === 1 ? 's' : ''} forever` : ''}):`);
    v.trace.forEach((step, i) => {
      if (i === v.loopStart) lines.push(`  ── loop (back to step ${i - 1}'s state, forever):`);
      lines.push(`  ${formatStep(step, i)}`);
    });
  }
  return lines.join('\n');
}
