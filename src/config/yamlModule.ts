/**
 * The `yaml` package, loaded on first use: an app that never reads or writes
 * YAML (most browser apps) does not download it. ConfigManager awaits
 * `prepareFormat()` before it parses or renders text; formats.ts then uses it
 * synchronously.
 */
import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

/** Loads the `yaml` package once. */
export async function loadYaml(): Promise<typeof Yaml> {
  loaded ??= await import('yaml');
  return loaded;
}

/** The loaded `yaml` package; throws if `loadYaml()` has not finished (a bug in this library, not the caller's). */
export function yamlPackage(): typeof Yaml {
  if (!loaded) throw new Error('the yaml package was used before loadYaml() finished');
  return loaded;
}
