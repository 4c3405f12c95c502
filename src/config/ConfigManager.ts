/**
 * The spec's ConfigManager: one tree of options for every component, read
 * with dotted keys (`orchestrator.maxConcurrency`), loaded from files, URLs,
 * the environment or objects, saved atomically, validated against a JSON Schema.
 *
 * Two layers: the defaults (built-in plus those plugins register) and the
 * values set or loaded, merged into one frozen tree that `get`, `snapshot` and
 * `section` hand out, so no caller or plugin can mutate shared state. Every
 * change is validated (with type coercion) before it is committed: a bad file
 * or value throws a ConfigError naming the key (and file and line) and leaves
 * the configuration as it was. Keys that could reach a prototype are refused.
 */
import { freeze, produce } from 'immer';
import { ConfigError } from '../errors/ConfigError.js';
import { ValidationError, type ValidationIssue, type ValidationResult } from '../errors/ValidationError.js';
import type { AtomicWriteHooks } from './atomicWrite.js';
import { platform } from '../platform/host.js';
import { coerceTree } from './coerce.js';
import { DEFAULT_ENV_PREFIX, readEnv } from './env.js';
import { fetchText, pageUrl } from './fetchText.js';
import { formatFromContentType, formatFromName, locateKey, parseConfigText, prepareFormat, serializeConfig } from './formats.js';
import { assertConfigData, deleteIn, diffTrees, getIn, isPlainObject, mergeTrees, parseKey, setIn, touches } from './paths.js';
import { buildSchema, builtinDefaults, type EngineConfig, type OrchestratorConfig } from './schema.js';
import type { CompiledSchema } from './validate.js';
import { compileSchema } from './validate.js';
import type {
  ConfigChange,
  ConfigChangeListener,
  ConfigFormat,
  ConfigSchema,
  ConfigSource,
  ConfigTarget,
  ConfigTree,
  ConfigValue,
  JsonSchema,
} from './types.js';

/** The types of the options this library reads itself, by dotted key. */
export interface KnownConfigValues {
  'orchestrator.maxConcurrency': number;
  'orchestrator.memoryLimit': number;
  'orchestrator.timeoutMs': number;
  'orchestrator.enablePlugins': boolean;
  'orchestrator.enableEventLogging': boolean;
  'orchestrator.enableErrorRecovery': boolean;
  'engine.mode': 'worker' | 'blocking';
  'engine.memoryLimit': number | undefined;
  'engine.timeoutMs': number;
  'engine.threads': number;
  'engine.settings': Readonly<Record<string, string | number | boolean>>;
}

/** The subset of the orchestrator's options that are configuration (the rest are objects it is given). */
export interface ConfigurableOptions {
  maxConcurrency?: number;
  memoryLimit?: number;
  timeoutMs?: number;
  enablePlugins?: boolean;
  enableEventLogging?: boolean;
  enableErrorRecovery?: boolean;
  /** Known engine keys (`mode`, `memoryLimit`, `timeoutMs`, `threads`, `settings`) are taken; others are left to the engine. */
  engineOptions?: object;
}

/** Anything with an `emit(event, data)`, e.g. the EventBus. */
export interface ConfigEventSink {
  emit(event: string, data?: unknown): void;
}

export interface ConfigManagerOptions {
  /** Values to start from, validated like `load({ type: 'object' })`. Default: none (defaults only). */
  initial?: Record<string, unknown>;
  /** Receives `config:changed { key, value, previous }` for every changed option. Default: none. */
  events?: ConfigEventSink;
  /** Time budget of `load({ type: 'url' })` in ms. Default 10 000. */
  fetchTimeoutMs?: number;
  /** Hooks into atomic file writes (tests simulate crashes with them). Default: plain writes. */
  writeHooks?: AtomicWriteHooks;
  /** Where a throwing change listener's error goes. Default: `console.error`. */
  onListenerError?: (error: unknown, change: ConfigChange) => void;
}

const ENGINE_KEYS = ['backend', 'mode', 'memoryLimit', 'timeoutMs', 'threads', 'settings'] as const;
const ORCHESTRATOR_KEYS = ['maxConcurrency', 'memoryLimit', 'timeoutMs', 'enablePlugins', 'enableEventLogging', 'enableErrorRecovery'] as const;

/** A parsed document plus what error messages need to point into it. */
interface Loaded {
  tree: ConfigTree;
  origin: string;
  text?: string;
  format?: ConfigFormat;
  variables?: Map<string, string>;
}

/**
 * The configuration of every component: dotted-key access, sources, atomic
 * saves, JSON Schema validation, frozen snapshots and change notifications.
 */
export class ConfigManager {
  private readonly sections = new Map<string, JsonSchema>();
  private defaults: ConfigTree;
  private values: ConfigTree = freeze({}, true);
  private effective: ConfigTree;
  /** Values already looked up in `effective`, by key; cleared whenever `effective` is replaced. */
  private readonly reads = new Map<string, unknown>();
  private compiled: CompiledSchema | undefined;
  private readonly listeners = new Set<ConfigChangeListener>();
  private readonly events: ConfigEventSink | undefined;
  private readonly fetchTimeoutMs: number;
  private readonly writeHooks: AtomicWriteHooks;
  private readonly onListenerError: (error: unknown, change: ConfigChange) => void;

  constructor(options: ConfigManagerOptions = {}) {
    this.defaults = freeze(builtinDefaults(), true);
    this.effective = this.defaults;
    this.events = options.events;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 10_000;
    this.writeHooks = options.writeHooks ?? {};
    this.onListenerError = options.onListenerError ?? ((error, change) => console.error(`[config] a change listener of '${change.key}' threw`, error));
    if (options.initial !== undefined) this.apply({ tree: this.readObject(options.initial, 'initial options'), origin: 'initial options' });
  }

  /**
   * A manager holding the orchestrator's options: every configurable option
   * given is set (`orchestrator.*`, `engine.*` from `engineOptions`); the rest keep
   * their defaults. Pass `config` to add the options to a manager that already
   * loaded files or the environment (explicit options then win over them).
   */
  static fromOptions(options: ConfigurableOptions = {}, config: ConfigManager = new ConfigManager()): ConfigManager {
    config.applyOptions(options);
    return config;
  }

  /** Sets every configurable option present in `options` (undefined ones are skipped), validated as one change. */
  applyOptions(options: ConfigurableOptions): void {
    const tree: ConfigTree = {};
    for (const key of ORCHESTRATOR_KEYS) {
      const value = options[key];
      if (value !== undefined) setIn(tree, ['orchestrator', key], value as ConfigValue);
    }
    if (isPlainObject(options.engineOptions)) {
      const engine = options.engineOptions as Record<string, unknown>;
      for (const key of ENGINE_KEYS) if (engine[key] !== undefined) setIn(tree, ['engine', key], engine[key] as ConfigValue);
    }
    this.apply({ tree: this.readObject(tree, 'orchestrator options'), origin: 'orchestrator options' });
  }

  /** The orchestrator's options (defaults filled in), frozen. */
  orchestratorConfig(): Readonly<OrchestratorConfig> {
    return this.effective['orchestrator'] as unknown as Readonly<OrchestratorConfig>;
  }

  /** The engine's options (defaults filled in), frozen. `memoryLimit` absent means the orchestrator's. */
  engineConfig(): Readonly<EngineConfig> {
    return this.effective['engine'] as unknown as Readonly<EngineConfig>;
  }

  /**
   * The value at the dotted `key` (defaults included), or `defaultValue` when
   * there is none. Objects and arrays come back deeply frozen.
   */
  get<K extends keyof KnownConfigValues>(key: K, defaultValue?: KnownConfigValues[K]): KnownConfigValues[K];
  get<T = unknown>(key: string, defaultValue?: T): T;
  get(key: string, defaultValue?: unknown): unknown {
    // Options may be read per query: remember each key's value until the next change.
    let value = this.reads.get(key);
    if (value === undefined) {
      value = getIn(this.effective, parseKey(key));
      if (value !== undefined && this.reads.size < 10_000) this.reads.set(key, value);
    }
    return value === undefined ? defaultValue : value;
  }

  /** True when the dotted `key` has a value (a default counts). */
  /** True when `key` was set or loaded (or lies under a key that was), not merely a default. */
  isSet(key: string): boolean {
    return getIn(this.values, parseKey(key)) !== undefined;
  }

  has(key: string): boolean {
    return getIn(this.effective, parseKey(key)) !== undefined;
  }

  /**
   * Sets the dotted `key` to `value` (JSON data), after validating it against the
   * schema with type coercion (`'4'` is stored as `4` for a number option).
   * `undefined` removes the key. Throws ConfigError naming the key when invalid.
   */
  set(key: string, value: unknown): void {
    const segments = parseKey(key);
    if (value === undefined) {
      this.unset(key);
      return;
    }
    assertConfigData(value, key);
    const tree: ConfigTree = {};
    setIn(tree, segments, structuredClone(value) as ConfigValue);
    this.apply({ tree, origin: `set('${key}')` });
  }

  /** Removes the value set at `key` (its default, if any, shows again). Returns whether one was set. */
  unset(key: string): boolean {
    const segments = parseKey(key);
    if (getIn(this.values, segments) === undefined) return false;
    const next = produce(this.values, (draft) => {
      deleteIn(draft as ConfigTree, segments);
    });
    this.commit(next);
    return true;
  }

  /** Loads and merges configuration from a file, URL, the environment or an object; see ConfigSource. */
  async load(source: ConfigSource): Promise<void> {
    if (source === null || typeof source !== 'object') {
      throw new ConfigError(`config.load needs a ConfigSource like { type: 'file', source: 'dataprism.yaml' }, got ${String(source)}`);
    }
    switch (source.type) {
      case 'object': {
        if (!isPlainObject(source.source)) throw new ConfigError(`config.load({ type: 'object' }) needs a plain object as source`);
        this.apply({ tree: this.readObject(source.source, 'object'), origin: 'object' });
        return;
      }
      case 'file': {
        if (typeof source.source !== 'string') throw new ConfigError(`config.load({ type: 'file' }) needs a file path as source`);
        const file = source.source;
        const format = source.format ?? formatFromName(file);
        if (format === undefined) {
          throw new ConfigError(`Cannot tell the format of ${file} from its extension; name it .json, .yaml, .yml or .ini, or pass format`, { file });
        }
        let text: string;
        try {
          text = await platform.readTextFile(file);
        } catch (error) {
          if (error instanceof ConfigError) throw error;
          throw new ConfigError(`Cannot read config file ${file}: ${(error as Error).message}`, { file, cause: error });
        }
        await prepareFormat(format);
        this.applyText(text, format, file);
        return;
      }
      case 'url': {
        if (typeof source.source !== 'string') throw new ConfigError(`config.load({ type: 'url' }) needs a URL string as source`);
        const url = source.source;
        const timeoutMs = source.timeoutMs ?? this.fetchTimeoutMs;
        const { text, contentType } = await fetchText(url, timeoutMs);
        const format = source.format ?? formatFromContentType(contentType) ?? formatFromName(new URL(url, pageUrl()).pathname);
        if (format === undefined) {
          throw new ConfigError(`Cannot tell the format of ${url} (Content-Type ${contentType ?? 'missing'}); pass format`, { file: url });
        }
        await prepareFormat(format);
        this.applyText(text, format, url);
        return;
      }
      case 'env': {
        const env = source.env ?? (isPlainObject(source.source) ? (source.source as Record<string, string | undefined>) : platform.environment());
        const prefix = typeof source.source === 'string' && source.source !== '' ? source.source : source.prefix ?? DEFAULT_ENV_PREFIX;
        const { tree, variables } = readEnv(env, prefix, this.schema());
        assertConfigData(tree, '', { file: 'environment' });
        this.apply({ tree, origin: 'environment', variables });
        return;
      }
      default:
        throw new ConfigError(`Unknown config source type '${String((source as { type: unknown }).type)}'; use 'file', 'url', 'env' or 'object'`);
    }
  }

  /**
   * Writes the configuration: to a file (atomically, in the format its extension
   * names or `format`), or into a plain object. Only values that were set or
   * loaded are written unless `includeDefaults` is true.
   */
  async save(target: ConfigTarget): Promise<void> {
    if (target === null || typeof target !== 'object') {
      throw new ConfigError(`config.save needs a ConfigTarget like { type: 'file', target: 'dataprism.yaml' }, got ${String(target)}`);
    }
    const tree = target.includeDefaults === true ? this.effective : this.values;
    if (target.type === 'object') {
      if (!isPlainObject(target.target)) throw new ConfigError(`config.save({ type: 'object' }) needs a plain object as target`);
      const out = target.target as Record<string, unknown>;
      for (const k of Object.keys(out)) delete out[k];
      Object.assign(out, structuredClone(tree));
      return;
    }
    if (target.type !== 'file') {
      throw new ConfigError(`Unknown config target type '${String((target as { type: unknown }).type)}'; use 'file' or 'object'`);
    }
    if (typeof target.target !== 'string') throw new ConfigError(`config.save({ type: 'file' }) needs a file path as target`);
    const file = target.target;
    const format = target.format ?? formatFromName(file);
    if (format === undefined) {
      throw new ConfigError(`Cannot tell the format for ${file} from its extension; name it .json, .yaml, .yml or .ini, or pass format`, { file });
    }
    await prepareFormat(format);
    await platform.writeFileAtomic(file, serializeConfig(tree, format, file), this.writeHooks);
  }

  /** Validates the whole configuration (defaults included) against `schema()`. Never throws. */
  validate(): ValidationResult {
    return this.validator().check(this.effective).result;
  }

  /** The JSON Schema of every known option, registered plugin sections included (a fresh copy). */
  schema(): ConfigSchema {
    return buildSchema(this.sections);
  }

  /**
   * Registers the config section of a plugin at `plugins.<name>`: its JSON
   * Schema, and optionally its defaults (validated against that schema).
   * Registering a name again replaces its schema and defaults.
   */
  registerSection(name: string, schema: JsonSchema, defaults?: Record<string, unknown>): void {
    const segments = parseKey(name);
    if (segments.length !== 1) throw new ConfigError(`A config section name must be one key without '.', got '${name}'`, { key: name });
    if (!isPlainObject(schema)) throw new ConfigError(`registerSection('${name}'): the schema must be a JSON Schema object`, { key: name });
    assertConfigData(schema as unknown, `schema of plugins.${name}`);
    let check: CompiledSchema;
    try {
      check = compileSchema(schema);
    } catch (error) {
      throw new ConfigError(`registerSection('${name}'): the JSON Schema is invalid: ${(error as Error).message}`, { key: `plugins.${name}`, cause: error });
    }
    let defaultsTree: ConfigTree | undefined;
    if (defaults !== undefined) {
      assertConfigData(defaults, `plugins.${name}`);
      const { result, coerced } = check.check(defaults as ConfigTree);
      if (!result.valid) throw this.invalid(result.errors.map((e) => ({ path: `plugins.${name}${e.path ? `.${e.path}` : ''}`, message: e.message })), { origin: `defaults of plugin '${name}'`, tree: {} });
      defaultsTree = coerced;
    }
    this.sections.set(name, structuredClone(schema));
    this.compiled = undefined;
    const nextDefaults = produce(this.defaults, (draft) => {
      const plugins = draft['plugins'] as ConfigTree;
      if (defaultsTree !== undefined) plugins[name] = defaultsTree;
      else delete plugins[name];
    });
    const before = this.effective;
    this.defaults = nextDefaults;
    this.effective = freeze(mergeTrees(this.defaults, this.values), true);
    this.reads.clear();
    this.notify(before, this.effective);
  }

  /** The whole configuration (defaults included), deeply frozen. */
  snapshot(): Readonly<ConfigTree> {
    return this.effective;
  }

  /** The object at the dotted `path` (e.g. `engine`, `plugins.viz`), deeply frozen; `{}` when absent. */
  section<T extends object = Record<string, unknown>>(path: string): Readonly<T> {
    const value = getIn(this.effective, parseKey(path));
    if (value === undefined) return freeze({}) as Readonly<T>;
    if (!isPlainObject(value)) throw new ConfigError(`Config '${path}' is a ${Array.isArray(value) ? 'list' : typeof value}, not a section; read it with get('${path}')`, { key: path });
    return value as Readonly<T>;
  }

  /** Calls `listener` for every option that changes from now on; returns a function that stops it. */
  onChange(listener: ConfigChangeListener): () => void {
    if (typeof listener !== 'function') throw new ConfigError(`config.onChange needs a function, got ${typeof listener}`);
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private validator(): CompiledSchema {
    this.compiled ??= compileSchema(this.schema());
    return this.compiled;
  }

  private readObject(value: object, origin: string): ConfigTree {
    assertConfigData(value, '', { file: origin });
    return structuredClone(value) as ConfigTree;
  }

  private applyText(text: string, format: ConfigFormat, file: string): void {
    let tree = parseConfigText(text, format, file);
    assertConfigData(tree, '', { file });
    // INI has no types: read its strings as the schema's types.
    if (format === 'ini') tree = coerceTree(tree, this.schema(), []) as ConfigTree;
    this.apply({ tree, origin: file, text, format });
  }

  /** Merges `loaded.tree` over the current values, validates, then commits — or throws and keeps the old config. */
  private apply(loaded: Loaded): void {
    const candidate = mergeTrees(this.values, loaded.tree);
    const { result, coerced } = this.validator().check(candidate);
    // Only problems in what is being applied block it; older ones are validate()'s business.
    const blocking = result.errors.filter((e) => touches(loaded.tree, e.path === '' ? [] : e.path.split('.')));
    if (blocking.length > 0) throw this.invalid(blocking, loaded);
    this.commit(coerced);
  }

  private commit(values: ConfigTree): void {
    const before = this.effective;
    this.values = freeze(values, true);
    this.effective = freeze(mergeTrees(this.defaults, this.values), true);
    this.reads.clear();
    this.notify(before, this.effective);
  }

  private notify(before: ConfigTree, after: ConfigTree): void {
    if (this.listeners.size === 0 && this.events === undefined) return;
    for (const change of diffTrees(before, after)) {
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch (error) {
          this.onListenerError(error, change);
        }
      }
      this.events?.emit('config:changed', change);
    }
  }

  private invalid(issues: ValidationIssue[], loaded: Pick<Loaded, 'origin' | 'text' | 'format' | 'variables'> & { tree: ConfigTree }): ConfigError {
    const describe = (issue: ValidationIssue) => {
      const variable = loaded.variables?.get(issue.path);
      const line = loaded.text !== undefined && loaded.format !== undefined ? locateKey(loaded.text, loaded.format, issue.path.split('.')) : undefined;
      const where = variable !== undefined ? ` (from ${variable})` : line !== undefined ? ` (line ${line})` : '';
      return { text: `${issue.path || '(root)'}${where}: ${issue.message}`, line };
    };
    const described = issues.map(describe);
    const first = issues[0]!;
    const firstLine = described[0]!.line;
    const message = `Invalid configuration from ${loaded.origin}:\n${described.map((d) => `  - ${d.text}`).join('\n')}\nFix these values; the configuration was left unchanged.`;
    return new ConfigError(message, {
      key: first.path,
      cause: new ValidationError(message, { component: 'config', issues }),
      ...(loaded.text !== undefined ? { file: loaded.origin } : loaded.variables !== undefined ? { file: 'environment' } : {}),
      ...(firstLine !== undefined ? { line: firstLine } : {}),
    });
  }
}
