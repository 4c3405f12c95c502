/**
 * Reads configuration from environment variables under a prefix:
 * `DATAPRISM_ENGINE__MEMORY_LIMIT=512000000` sets `engine.memoryLimit`.
 * `__` separates key segments; within a segment `_` separates words, matched
 * against the schema's names ignoring case and separators (so plugin names
 * like `my-viz` match `MY_VIZ`), else turned into camelCase. Values are
 * coerced to the schema's types.
 */
import { ConfigError } from '../errors/ConfigError.js';
import { coerceString } from './coerce.js';
import { FORBIDDEN_KEYS, setIn } from './paths.js';
import { schemaAt } from './schema.js';
import type { ConfigTree, JsonSchema } from './types.js';

/** The prefix read when none is given. */
export const DEFAULT_ENV_PREFIX = 'DATAPRISM_';

const normalise = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
const FORBIDDEN_NORMALISED = new Map([...FORBIDDEN_KEYS].map((k) => [normalise(k), k]));

function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The config key segment for one `__`-separated part of a variable name. */
function resolveSegment(part: string, schema: JsonSchema | undefined): string {
  const wanted = normalise(part);
  if (schema?.properties !== undefined) {
    for (const name of Object.keys(schema.properties)) if (normalise(name) === wanted) return name;
  }
  return camelCase(part);
}

/** The result of reading the environment: the tree, and which variable set each key (for messages). */
export interface EnvReading {
  tree: ConfigTree;
  variables: Map<string, string>;
}

/** Reads every variable of `env` that starts with `prefix` into a tree, coerced by `schema`. */
export function readEnv(env: Record<string, string | undefined>, prefix: string, schema: JsonSchema): EnvReading {
  const tree: ConfigTree = {};
  const variables = new Map<string, string>();
  for (const name of Object.keys(env).sort()) {
    const raw = env[name];
    if (!name.startsWith(prefix) || raw === undefined || name.length === prefix.length) continue;
    const parts = name.slice(prefix.length).split('__');
    const segments: string[] = [];
    // Forbidden keys first: `___PROTO__` also splits into empty parts, and the real problem is the key.
    for (const part of parts) {
      const forbidden = FORBIDDEN_NORMALISED.get(normalise(part));
      if (forbidden !== undefined) {
        throw new ConfigError(`Environment variable ${name} names the forbidden key '${forbidden}' (it could modify object prototypes); remove the variable`, { key: forbidden, file: 'environment' });
      }
    }
    for (const part of parts) {
      if (part.replace(/_/g, '') === '') {
        throw new ConfigError(`Environment variable ${name} has an empty key segment; separate segments with exactly '__', e.g. ${prefix}ENGINE__THREADS`, { key: name, file: 'environment' });
      }
      segments.push(resolveSegment(part, schemaAt(schema, segments)));
    }
    const key = segments.join('.');
    const existing = variables.get(key);
    if (existing !== undefined) {
      throw new ConfigError(`Environment variables ${existing} and ${name} both set '${key}'; keep one`, { key, file: 'environment' });
    }
    // A variable for `a` and one for `a.b` cannot both hold: the object would replace the value.
    for (const other of variables.keys()) {
      if (other.startsWith(`${key}.`) || key.startsWith(`${other}.`)) {
        throw new ConfigError(`Environment variables ${variables.get(other)} and ${name} overlap ('${other}' and '${key}'); keep one`, { key, file: 'environment' });
      }
    }
    variables.set(key, name);
    // JSON values are checked for forbidden keys with the rest of the tree by the manager.
    const value = coerceString(raw, schemaAt(schema, segments));
    setIn(tree, segments, value);
  }
  return { tree, variables };
}
