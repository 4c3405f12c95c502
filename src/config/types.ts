/**
 * The public shapes of configuration: where config comes from (ConfigSource),
 * where it goes (ConfigTarget), the JSON Schema type, change notifications, and
 * the typed values of the options this library itself reads.
 */

/** A file format config can be read from and written to. */
export type ConfigFormat = 'json' | 'yaml' | 'ini';

/** A JSON-compatible value: what a config tree is made of. */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };

/** A config tree: an object of JSON-compatible values. */
export type ConfigTree = { [key: string]: ConfigValue };

/**
 * The spec's ConfigSource. What `source` means depends on `type`:
 * - `file`: a path; `format` defaults to the one its extension names (.json, .yaml/.yml, .ini/.cfg/.conf);
 * - `url`: an `http:` or `https:` address (any other scheme is refused); `format` defaults to the
 *   response's Content-Type, then to the URL's extension;
 * - `env`: the prefix of the variables to read (default `'DATAPRISM_'`), or an object of variables
 *   to read instead of `process.env`;
 * - `object`: a plain object of settings.
 */
export interface ConfigSource {
  /** Where the configuration comes from. */
  type: 'file' | 'url' | 'env' | 'object';
  /** A path, URL, variable prefix or object, as described above. */
  source: string | object;
  /** The text format, for `file` and `url`. Default: inferred (see above). */
  format?: ConfigFormat;
  /** `url` only: give up (TimeoutError) after this many ms. Default: the manager's `fetchTimeoutMs` (10 000). */
  timeoutMs?: number;
  /** `env` only: the variables to read. Default: `process.env` (or `source`, if it is an object). */
  env?: Record<string, string | undefined>;
  /** `env` only: the prefix, when `source` is the variables object. Default `'DATAPRISM_'`. */
  prefix?: string;
}

/** Where `save` writes configuration. */
export interface ConfigTarget {
  /** `file`: written atomically to a path; `object`: copied into a plain object you pass. */
  type: 'file' | 'object';
  /** The file's path, or the object to fill (its existing keys are replaced by the config's). */
  target: string | Record<string, unknown>;
  /** `file` only: the format. Default: the one its extension names. */
  format?: ConfigFormat;
  /** Also write options that are only defaults. Default `false`: only values that were set or loaded. */
  includeDefaults?: boolean;
}

/** A JSON Schema (draft-07 subset used by ajv): the shape of `schema()` and of registered sections. */
export interface JsonSchema {
  type?: JsonSchemaType | JsonSchemaType[];
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  const?: unknown;
  properties?: { [key: string]: JsonSchema };
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  [keyword: string]: unknown;
}

/** The primitive types of JSON Schema. */
export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** The spec's ConfigSchema: the JSON Schema of every known option. */
export type ConfigSchema = JsonSchema;

/** One changed option, as told to `onChange` listeners and as the `config:changed` event. */
export interface ConfigChange {
  /** The dotted key of the option that changed, e.g. `orchestrator.maxConcurrency`. */
  key: string;
  /** The new value (frozen), or `undefined` when it was removed. */
  value: unknown;
  /** The value before, or `undefined` when it was not set. */
  previous: unknown;
}

/** A listener of configuration changes. */
export type ConfigChangeListener = (change: ConfigChange) => void;
