/**
 * Validation of config trees against the JSON Schema with ajv (all errors,
 * type coercion: `"4"` becomes `4` where the schema wants a number), plus
 * warnings ajv does not give: keys no schema knows (likely typos) and
 * cross-option hints.
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ValidationIssue, ValidationResult } from '../errors/ValidationError.js';
import { isPlainObject } from './paths.js';
import type { ConfigTree, JsonSchema } from './types.js';

const Ajv = AjvModule.default;

/** A compiled schema: checks a tree and returns issues and the coerced copy. */
export interface CompiledSchema {
  /** Validates a copy of `tree`; `coerced` is that copy after ajv's type coercion. */
  check(tree: ConfigTree): { result: ValidationResult; coerced: ConfigTree };
}

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function issueOf(error: ErrorObject): ValidationIssue {
  let path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    path = path ? `${path}.${params['missingProperty']}` : params['missingProperty'];
  }
  if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    path = path ? `${path}.${params['additionalProperty']}` : params['additionalProperty'];
    return { path, message: 'is not a known option here' };
  }
  let message = error.message ?? `fails '${error.keyword}'`;
  if (error.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    message = `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { path, message };
}

/** Keys present in `tree` that `schema` does not describe (when it lists its properties). */
function unknownKeys(tree: unknown, schema: JsonSchema | undefined, path: string, out: ValidationIssue[]): void {
  if (!isPlainObject(tree) || schema === undefined) return;
  const properties = schema.properties ?? {};
  for (const key of Object.keys(tree)) {
    const child = path ? `${path}.${key}` : key;
    const sub = Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
    if (sub !== undefined) unknownKeys(tree[key], sub, child, out);
    else if (schema.properties !== undefined && schema.additionalProperties === undefined) {
      const known = Object.keys(properties);
      out.push({ path: child, message: `is not a known option${known.length ? `; known here: ${known.join(', ')}` : ''}` });
    } else if (typeof schema.additionalProperties === 'object') {
      if (schema.additionalProperties.properties === undefined && path === 'plugins') {
        out.push({ path: child, message: 'configures a plugin that has registered no config section (not validated)' });
      }
      unknownKeys(tree[key], schema.additionalProperties, child, out);
    }
  }
}

/** Hints about option combinations that are valid but probably not meant. */
function crossOptionWarnings(tree: ConfigTree): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const o = tree['orchestrator'];
  const e = tree['engine'];
  if (isPlainObject(o) && isPlainObject(e) && typeof o['memoryLimit'] === 'number' && typeof e['memoryLimit'] === 'number' && e['memoryLimit'] > o['memoryLimit']) {
    out.push({ path: 'engine.memoryLimit', message: `(${e['memoryLimit']}) exceeds orchestrator.memoryLimit (${o['memoryLimit']}); DuckDB may use more than the orchestrator's budget` });
  }
  return out;
}

// Compiling with ajv takes milliseconds, checking microseconds: managers with the same
// schema (the usual case: built-ins plus the same plugins) share one compiled validator.
const cache = new Map<string, CompiledSchema>();
const CACHE_LIMIT = 64;

/** Compiles `schema` (or reuses an identical one compiled before); `check` is then cheap. */
export function compileSchema(schema: JsonSchema): CompiledSchema {
  const cacheKey = JSON.stringify(schema);
  const hit = cache.get(cacheKey);
  if (hit !== undefined) return hit;
  const compiled = compileFresh(schema);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, compiled);
  return compiled;
}

function compileFresh(schema: JsonSchema): CompiledSchema {
  const ajv = new Ajv({ allErrors: true, coerceTypes: true, strict: false, useDefaults: false });
  const validate: ValidateFunction = ajv.compile(schema);
  return {
    check(tree) {
      const coerced = structuredClone(tree) as ConfigTree;
      const valid = validate(coerced);
      const errors = valid ? [] : (validate.errors ?? []).map(issueOf);
      const warnings: ValidationIssue[] = [];
      unknownKeys(coerced, schema, '', warnings);
      warnings.push(...crossOptionWarnings(coerced));
      return { result: { valid: errors.length === 0, errors, warnings }, coerced };
    },
  };
}
