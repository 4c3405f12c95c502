/**
 * Graph algorithms over plugin dependencies, all linear in nodes + edges:
 * cycle search (iterative DFS that returns the cycle's path), Kahn's topological
 * order, and transitive dependents. Graphs are given as adjacency functions so
 * the registry's maps are used as they are, without copying.
 */

/** Neighbours of a node: its dependencies, or its dependents, depending on the direction walked. */
export type Adjacency = (name: string) => Iterable<string>;

/**
 * A cycle through the dependencies reachable from `start`, as a path that
 * starts and ends on the same node (`['a', 'b', 'c', 'a']`), or null.
 */
export function findCycle(start: string, dependenciesOf: Adjacency): string[] | null {
  // Colours: absent = unvisited, 1 = on the current path, 2 = finished.
  const colour = new Map<string, 1 | 2>();
  const path: string[] = [];
  const stack: Iterator<string>[] = [];
  const enter = (node: string) => {
    colour.set(node, 1);
    path.push(node);
    stack.push(dependenciesOf(node)[Symbol.iterator]());
  };
  enter(start);
  while (stack.length > 0) {
    const next = stack[stack.length - 1]!.next();
    if (next.done) {
      stack.pop();
      colour.set(path.pop()!, 2);
      continue;
    }
    const node = next.value;
    const c = colour.get(node);
    if (c === 1) return [...path.slice(path.indexOf(node)), node];
    if (c === undefined) enter(node);
  }
  return null;
}

/** Renders a cycle path as `a → b → c → a`. */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(' → ');
}

/**
 * Kahn's algorithm over `nodes`: dependencies first. Edges to names outside
 * `nodes` are ignored. `blocked` holds the nodes on or behind a cycle.
 */
export function topologicalOrder(nodes: Iterable<string>, dependenciesOf: Adjacency): { order: string[]; blocked: string[] } {
  const members = new Set(nodes);
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of members) {
    let count = 0;
    for (const dep of dependenciesOf(node)) {
      if (!members.has(dep)) continue;
      count++;
      const list = dependents.get(dep);
      if (list) list.push(node);
      else dependents.set(dep, [node]);
    }
    indegree.set(node, count);
  }
  const order: string[] = [];
  for (const [node, count] of indegree) if (count === 0) order.push(node);
  // `order` doubles as the queue: the head index walks it while new ready nodes are appended.
  for (let head = 0; head < order.length; head++) {
    for (const dependent of dependents.get(order[head]!) ?? []) {
      const left = indegree.get(dependent)! - 1;
      indegree.set(dependent, left);
      if (left === 0) order.push(dependent);
    }
  }
  const blocked = order.length === members.size ? [] : [...members].filter((n) => indegree.get(n)! > 0);
  return { order, blocked };
}

/** Every node that reaches `start` through `dependentsOf`, transitively, excluding `start`. */
export function transitiveDependents(start: string, dependentsOf: Adjacency): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    for (const next of dependentsOf(queue[head]!)) {
      if (next === start || seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}
