/**
 * Turns strings from untyped sources (environment variables, INI files) into
 * the types the schema asks for: numbers, booleans, arrays (JSON or a comma
 * list) and objects (JSON). A string that fits no type is left as it is, so
 * validation reports it with its key.
 */
import { isPlainObject } from './paths.js';
import { schemaAt } from './schema.js';
import type { ConfigValue, JsonSchema, JsonSchemaType } from './types.js';

// Tried in this order when a schema allows several types: the most specific reading wins.
const ORDER: readonly JsonSchemaType[] = ['boolean', 'integer', 'number', 'null', 'array', 'object', 'string'];

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0)$/i;

function typesOf(schema: JsonSchema | undefined): JsonSchemaType[] {
  if (schema === undefined || schema.type === undefined) return [];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return ORDER.filter((t) => types.includes(t));
}

function tryType(raw: string, type: JsonSchemaType, schema: JsonSchema): { ok: true; value: ConfigValue } | { ok: false } {
  const text = raw.trim();
  switch (type) {
    case 'boolean':
      return TRUE.test(text) ? { ok: true, value: true } : FALSE.test(text) ? { ok: true, value: false } : { ok: false };
    case 'integer':
      return /^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? { ok: true, value: Number(text) } : { ok: false };
    case 'number': {
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false };
    }
    case 'null':
      return text === 'null' ? { ok: true, value: null } : { ok: false };
    case 'array': {
      if (text.startsWith('[')) {
        try {
          const parsed = JSON.parse(text) as unknown;
          return Array.isArray(parsed) ? { ok: true, value: parsed as ConfigValue[] } : { ok: false };
        } catch {
          return { ok: false };
        }
      }
      const items = text === '' ? [] : text.split(',').map((s) => s.trim());
      return { ok: true, value: items.map((item) => coerceString(item, schema.items)) };
    }
    case 'object': {
      if (!text.startsWith('{')) return { ok: false };
      try {
        const parsed = JSON.parse(text) as unknown;
        return isPlainObject(parsed) ? { ok: true, value: parsed as ConfigValue } : { ok: false };
      } catch {
        return { ok: false };
      }
    }
    case 'string':
      return { ok: true, value: raw };
  }
}

/**
 * `raw` read as the first type of `schema` it fits; `raw` itself when it fits none.
 * With no schema type for the key (a key outside the schema), see `inferUntyped`.
 */
export function coerceString(raw: string, schema: JsonSchema | undefined): ConfigValue {
  const types = typesOf(schema);
  if (types.length === 0) return inferUntyped(raw);
  for (const type of types) {
    const attempt = tryType(raw, type, schema!);
    if (attempt.ok) return attempt.value;
  }
  return raw;
}

/** A decimal number as JavaScript prints it: no sign but `-`, no leading zeros, no exponent, no trailing zeros. */
const CANONICAL_NUMBER = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;

/**
 * A value outside the schema keeps its type only where the text can mean nothing
 * else: `true`/`false` become booleans, and a number written exactly as it prints
 * back (`3`, `-2`, `0.5`) becomes a number. Everything else stays the string it
 * was — `007` (a code, not 7), `1e3`, `3.10`, `+3`, `yes`, `null`, digits beyond
 * 2^53 — because reading it as a number or boolean would change what was written.
 * Declare the key in the schema to have it read as any other type.
 */
export function inferUntyped(raw: string): ConfigValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (CANONICAL_NUMBER.test(raw)) {
    const n = Number(raw);
    if (Number.isFinite(n) && String(n) === raw) return n;
  }
  return raw;
}

/**
 * A copy of `value` with every string leaf coerced by the schema that governs
 * its path (`path` is where `value` sits in the whole config).
 */
export function coerceTree(value: ConfigValue, schema: JsonSchema | undefined, path: readonly string[]): ConfigValue {
  if (typeof value === 'string') return coerceString(value, schemaAt(schema, path));
  if (Array.isArray(value)) return value.map((item, i) => coerceTree(item, schema, [...path, String(i)]));
  if (isPlainObject(value)) {
    const out: { [key: string]: ConfigValue } = {};
    for (const k of Object.keys(value)) out[k] = coerceTree(value[k] as ConfigValue, schema, [...path, k]);
    return out;
  }
  return value;
}
