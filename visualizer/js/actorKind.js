// What kind of actor this is, for badges and colours: orchestrator, engine, plugin,
// recovery, the machine's id, or `task` for non-machine helpers (promises, callbacks).

const KINDS = ['orchestrator', 'engine', 'plugin', 'recovery'];

export function actorKind(actor) {
  if (!actor.definition) return 'task';
  const haystack = `${actor.systemId ?? ''} ${actor.id} ${actor.logic}`.toLowerCase();
  return KINDS.find((kind) => haystack.includes(kind)) ?? actor.logic;
}
