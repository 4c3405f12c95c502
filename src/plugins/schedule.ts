/**
 * Runs work over a dependency graph: a node starts once all its prerequisites
 * finished, independent nodes run in parallel up to a limit, and a failed node
 * skips everything that (transitively) needs it. Kahn's algorithm with a ready
 * queue: linear in nodes + edges, no rescanning.
 */
import { toError } from '../errors/DataPrismError.js';

export interface DependencyRun {
  /** The nodes to run. Prerequisites outside this set count as already satisfied. */
  nodes: Iterable<string>;
  /** What must finish before `name` starts. */
  prerequisitesOf(name: string): Iterable<string>;
  /** At most this many `run`s at once (at least 1). */
  concurrency: number;
  /** Does the work; resolves with an Error to fail the node, undefined on success. */
  run(name: string): Promise<Error | undefined>;
  /** Called once for each node skipped because `because` (a prerequisite) failed or was skipped. */
  skip?(name: string, because: string): void;
}

/** Runs the graph; resolves when nothing more can start. `blocked` are nodes waiting on a cycle. */
export function runInDependencyOrder(spec: DependencyRun): Promise<{ blocked: string[] }> {
  const members = new Set(spec.nodes);
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of members) {
    let count = 0;
    for (const p of spec.prerequisitesOf(node)) {
      if (!members.has(p) || p === node) continue;
      count++;
      const list = dependents.get(p);
      if (list) list.push(node);
      else dependents.set(p, [node]);
    }
    indegree.set(node, count);
  }
  const queue: string[] = [];
  for (const [node, count] of indegree) if (count === 0) queue.push(node);
  const finished = new Set<string>();
  const limit = Math.max(1, Math.floor(spec.concurrency));
  let head = 0;
  let running = 0;

  return new Promise((resolve) => {
    const skipFrom = (failed: string) => {
      const stack: [string, string][] = (dependents.get(failed) ?? []).map((d) => [d, failed]);
      while (stack.length > 0) {
        const [node, because] = stack.pop()!;
        if (finished.has(node)) continue;
        finished.add(node);
        spec.skip?.(node, because);
        for (const d of dependents.get(node) ?? []) stack.push([d, node]);
      }
    };
    const finish = (node: string, error: Error | undefined) => {
      running--;
      finished.add(node);
      if (error === undefined) {
        for (const d of dependents.get(node) ?? []) {
          const left = indegree.get(d)! - 1;
          indegree.set(d, left);
          if (left === 0 && !finished.has(d)) queue.push(d);
        }
      } else {
        skipFrom(node);
      }
      pump();
    };
    const pump = () => {
      while (running < limit && head < queue.length) {
        const node = queue[head++]!;
        if (finished.has(node)) continue;
        running++;
        Promise.resolve()
          .then(() => spec.run(node))
          .then(
            (error) => finish(node, error),
            (error: unknown) => finish(node, toError(error)),
          );
      }
      if (running === 0 && head >= queue.length) {
        resolve({ blocked: [...members].filter((n) => !finished.has(n)) });
      }
    };
    pump();
  });
}
