/**
 * The parts of the strategy shape (machines/recovery.machine.ts) that can be seen
 * without running a machine: the two top-level final states, an `onError` on
 * every invoke, and a `SHUTDOWN` handler. `defineRecoveryStrategy` refuses a
 * machine with any of them missing; the model checker uses the same list to tell
 * a `{ name, machine }` that is not a strategy what it lacks.
 */
import type { AnyStateMachine } from 'xstate';

/** One missing piece of the shape: where, and what to add. */
export interface ShapeIssue {
  path: string;
  message: string;
}

type StateNode = AnyStateMachine['root'];

/** The final states `recovered` and `escalated` that are missing or not final. */
export function missingFinalStates(machine: AnyStateMachine): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  for (const final of ['recovered', 'escalated']) {
    const node = machine.root.states[final];
    if (!node) issues.push({ path: `states.${final}`, message: `a top-level final state named '${final}' is required` });
    else if (node.type !== 'final') issues.push({ path: `states.${final}`, message: `'${final}' must be a final state (type: 'final')` });
  }
  return issues;
}

/** Every static shape issue of `machine`; empty when it has the shape as far as can be seen. */
export function strategyShapeIssues(machine: AnyStateMachine): ShapeIssue[] {
  const issues = missingFinalStates(machine);
  for (const node of allStateNodes(machine)) {
    for (const invoke of node.invoke) {
      if (!node.transitions.has(`xstate.error.actor.${invoke.id}`)) {
        issues.push({ path: node.id, message: `the invoke '${invoke.id}' needs an onError, so the machine never enters XState's error status` });
      }
    }
  }
  if (!(machine.root.events as readonly string[]).includes('SHUTDOWN')) {
    issues.push({ path: 'on.SHUTDOWN', message: "no state handles SHUTDOWN: every non-final state must go to 'escalated' on { type: 'SHUTDOWN' } (e.g. on: { SHUTDOWN: '.escalated' } at the root)" });
  }
  return issues;
}

function allStateNodes(machine: AnyStateMachine): StateNode[] {
  const out: StateNode[] = [];
  const visit = (node: StateNode) => {
    out.push(node);
    for (const child of Object.values(node.states)) visit(child as StateNode);
  };
  visit(machine.root);
  return out;
}
