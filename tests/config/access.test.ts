// Reading and writing options with dotted keys: defaults, coercion, validation
// on set, frozen views, change notifications and the orchestrator's options.
import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { ConfigManager, ORCHESTRATOR_DEFAULTS, type ConfigChange } from '../../src/config/index.js';

describe('get, set, has', () => {
  it('reads built-in defaults and values set with dotted keys', () => {
    const config = new ConfigManager();
    expect(config.get('orchestrator.maxConcurrency')).toBe(ORCHESTRATOR_DEFAULTS.maxConcurrency);
    expect(config.get('engine.mode')).toBe('worker');
    config.set('orchestrator.maxConcurrency', 8);
    config.set('plugins.viz.palette.primary', '#336699');
    expect(config.get('orchestrator.maxConcurrency')).toBe(8);
    expect(config.get('plugins.viz.palette.primary')).toBe('#336699');
    expect(config.get('plugins.viz.palette')).toEqual({ primary: '#336699' });
    expect(config.has('plugins.viz.palette.primary')).toBe(true);
    expect(config.has('plugins.viz.palette.secondary')).toBe(false);
  });

  it('a value read before a change is not served stale after it', async () => {
    const config = new ConfigManager();
    expect(config.get('orchestrator.timeoutMs')).toBe(30_000);
    config.set('orchestrator.timeoutMs', 10);
    expect(config.get('orchestrator.timeoutMs')).toBe(10);
    await config.load({ type: 'object', source: { orchestrator: { timeoutMs: 20 } } });
    expect(config.get('orchestrator.timeoutMs')).toBe(20);
    config.unset('orchestrator.timeoutMs');
    expect(config.get('orchestrator.timeoutMs')).toBe(30_000);
    expect(config.get('plugins.viz.width')).toBeUndefined();
    config.registerSection('viz', { type: 'object' }, { width: 3 });
    expect(config.get('plugins.viz.width')).toBe(3);
  });

  it('returns defaultValue only when the key has no value', () => {
    const config = new ConfigManager();
    expect(config.get('app.theme', 'dark')).toBe('dark');
    config.set('app.theme', 'light');
    expect(config.get('app.theme', 'dark')).toBe('light');
    expect(config.get('engine.memoryLimit')).toBeUndefined();
  });

  it('coerces a value to the schema type on set', () => {
    const config = new ConfigManager();
    config.set('orchestrator.maxConcurrency', '16');
    expect(config.get('orchestrator.maxConcurrency')).toBe(16);
    config.set('orchestrator.enablePlugins', 'false');
    expect(config.get('orchestrator.enablePlugins')).toBe(false);
  });

  it('refuses an invalid value with a ConfigError naming the key, and keeps the old value', () => {
    const config = new ConfigManager();
    config.set('orchestrator.maxConcurrency', 2);
    const attempt = () => config.set('orchestrator.maxConcurrency', 'lots');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/orchestrator\.maxConcurrency.*must be integer/);
    expect(() => config.set('engine.mode', 'threads')).toThrow(/must be one of "worker", "blocking"/);
    expect(() => config.set('orchestrator.maxConcurrency', 0)).toThrow(/must be >= 1/);
    expect(config.get('orchestrator.maxConcurrency')).toBe(2);
  });

  it('refuses values that are not JSON data', () => {
    const config = new ConfigManager();
    expect(() => config.set('a.b', () => 1)).toThrow(/must be JSON data/);
    expect(() => config.set('a.b', new Date())).toThrow(/got Date/);
    expect(() => config.set('a.b', Number.NaN)).toThrow(/finite number/);
    expect(() => config.set('a..b', 1)).toThrow(/empty segment/);
  });

  it('set(key, undefined) and unset remove a value and reveal the default', () => {
    const config = new ConfigManager();
    config.set('orchestrator.timeoutMs', 5);
    expect(config.unset('orchestrator.timeoutMs')).toBe(true);
    expect(config.get('orchestrator.timeoutMs')).toBe(ORCHESTRATOR_DEFAULTS.timeoutMs);
    config.set('x.y', 1);
    config.set('x.y', undefined);
    expect(config.has('x.y')).toBe(false);
    expect(config.unset('x.y')).toBe(false);
  });
});

describe('frozen views', () => {
  it('snapshot(), section() and objects from get() are deeply frozen', () => {
    const config = new ConfigManager();
    config.set('plugins.viz', { palette: { primary: 'red' }, sizes: [1, 2] });
    const snapshot = config.snapshot();
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot['plugins'])).toBe(true);
    const viz = config.section<{ palette: { primary: string }; sizes: number[] }>('plugins.viz');
    expect(Object.isFrozen(viz.palette)).toBe(true);
    expect(() => {
      (viz.palette as { primary: string }).primary = 'blue';
    }).toThrow(TypeError);
    expect(() => (config.get('plugins.viz.sizes') as number[]).push(3)).toThrow(TypeError);
    expect(config.get('plugins.viz.palette.primary')).toBe('red');
  });

  it('a snapshot taken earlier does not change when the config does', () => {
    const config = new ConfigManager();
    const before = config.snapshot();
    config.set('orchestrator.maxConcurrency', 9);
    expect((before['orchestrator'] as Record<string, unknown>)['maxConcurrency']).toBe(ORCHESTRATOR_DEFAULTS.maxConcurrency);
  });

  it('section() of something absent is an empty frozen object; of a scalar it is an error', () => {
    const config = new ConfigManager();
    expect(config.section('plugins.none')).toEqual({});
    expect(() => config.section('orchestrator.maxConcurrency')).toThrow(ConfigError);
  });
});

describe('changes', () => {
  it('onChange hears every changed leaf once, with the previous value; unsubscribe stops it', () => {
    const config = new ConfigManager();
    const changes: ConfigChange[] = [];
    const stop = config.onChange((c) => changes.push(c));
    config.set('orchestrator.maxConcurrency', 6);
    config.set('orchestrator.maxConcurrency', 6);
    config.set('plugins.viz', { a: 1, b: 'x' });
    expect(changes).toEqual([
      { key: 'orchestrator.maxConcurrency', value: 6, previous: 4 },
      { key: 'plugins.viz.a', value: 1, previous: undefined },
      { key: 'plugins.viz.b', value: 'x', previous: undefined },
    ]);
    stop();
    config.set('orchestrator.maxConcurrency', 7);
    expect(changes).toHaveLength(3);
  });

  it('emits config:changed on the given event sink, and a throwing listener does not stop the change', () => {
    const emit = vi.fn();
    const onListenerError = vi.fn();
    const config = new ConfigManager({ events: { emit }, onListenerError });
    config.onChange(() => {
      throw new Error('listener bug');
    });
    config.set('engine.threads', 2);
    expect(config.get('engine.threads')).toBe(2);
    expect(emit).toHaveBeenCalledWith('config:changed', { key: 'engine.threads', value: 2, previous: 1 });
    expect(onListenerError).toHaveBeenCalledTimes(1);
  });
});

describe("the orchestrator's options", () => {
  it('fromOptions sets the options given and keeps defaults for the rest', () => {
    const config = ConfigManager.fromOptions({ maxConcurrency: 2, memoryLimit: 512 * 1024 * 1024, engineOptions: { mode: 'blocking', threads: 2 } });
    expect(config.orchestratorConfig()).toEqual({ ...ORCHESTRATOR_DEFAULTS, maxConcurrency: 2, memoryLimit: 512 * 1024 * 1024 });
    expect(config.engineConfig()).toMatchObject({ mode: 'blocking', threads: 2, timeoutMs: 30_000, settings: {} });
    expect(Object.isFrozen(config.orchestratorConfig())).toBe(true);
  });

  it('explicit options win over loaded ones; invalid options are refused', async () => {
    const config = new ConfigManager();
    await config.load({ type: 'env', source: { DATAPRISM_ORCHESTRATOR__MAX_CONCURRENCY: '3', DATAPRISM_ORCHESTRATOR__TIMEOUT_MS: '100' } });
    ConfigManager.fromOptions({ maxConcurrency: 5 }, config);
    expect(config.get('orchestrator.maxConcurrency')).toBe(5);
    expect(config.get('orchestrator.timeoutMs')).toBe(100);
    expect(() => config.applyOptions({ maxConcurrency: -1 })).toThrow(/orchestrator\.maxConcurrency/);
  });
});

describe('schema and validate', () => {
  it('schema() lists every known option and registered sections', () => {
    const config = new ConfigManager();
    config.registerSection('viz', { type: 'object', properties: { width: { type: 'integer', minimum: 1 } } }, { width: 640 });
    const schema = config.schema();
    const props = schema.properties!;
    expect(Object.keys(props['orchestrator']!.properties!).sort()).toEqual(
      ['enableErrorRecovery', 'enableEventLogging', 'enablePlugins', 'maxConcurrency', 'memoryLimit', 'timeoutMs'],
    );
    expect(Object.keys(props['engine']!.properties!).sort()).toEqual(['backend', 'memoryLimit', 'mode', 'settings', 'threads', 'timeoutMs']);
    expect(props['plugins']!.properties!['viz']!.properties!['width']).toEqual({ type: 'integer', minimum: 1 });
    expect(config.get('plugins.viz.width')).toBe(640);
  });

  it('registered sections validate their keys; defaults must fit the schema', () => {
    const config = new ConfigManager();
    config.registerSection('viz', { type: 'object', properties: { width: { type: 'integer', minimum: 1 } } });
    expect(() => config.set('plugins.viz.width', 0)).toThrow(/plugins\.viz\.width/);
    expect(() => config.registerSection('bad', { type: 'object', properties: { n: { type: 'integer' } } }, { n: 'x' })).toThrow(/plugins\.bad\.n/);
  });

  it('validate() reports errors with paths and warns about unknown keys and odd combinations', () => {
    const config = new ConfigManager();
    config.set('orchestrator.maxConcurency', 3);
    config.set('orchestrator.memoryLimit', 64 * 1024 * 1024);
    config.set('engine.memoryLimit', 128 * 1024 * 1024);
    config.set('plugins.viz.width', 10);
    config.registerSection('viz', { type: 'object', properties: { width: { type: 'integer', minimum: 100 } } });
    const result = config.validate();
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([{ path: 'plugins.viz.width', message: 'must be >= 100' }]);
    expect(result.warnings.map((w) => w.path).sort()).toEqual(['engine.memoryLimit', 'orchestrator.maxConcurency']);
    expect(result.warnings.find((w) => w.path === 'orchestrator.maxConcurency')!.message).toContain('maxConcurrency');
  });
});
