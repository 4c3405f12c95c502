/**
 * Compiles plugins' `configSchema` with ajv and checks a config section against
 * it, turning ajv's errors into ValidationIssues (`config.<path>`).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { ValidationIssue } from '../errors/ValidationError.js';
import type { PluginConfigSchema } from './types.js';

// One ajv instance: compiling is the expensive part and ajv caches by schema.
let ajv: Ajv | undefined;

function instance(): Ajv {
  ajv ??= new Ajv({ allErrors: true, strict: false, useDefaults: false });
  return ajv;
}

/** Compiles `schema`, or returns the compiler's complaint as a string. */
export function compileConfigSchema(schema: PluginConfigSchema): ValidateFunction | string {
  try {
    return instance().compile(schema);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Every way `section` violates `schema`, as issues rooted at `config`. */
export function checkConfigSection(schema: PluginConfigSchema, section: unknown): ValidationIssue[] {
  const validate = compileConfigSchema(schema);
  if (typeof validate === 'string') return [{ path: 'configSchema', message: `does not compile: ${validate}` }];
  if (validate(section)) return [];
  return (validate.errors ?? []).map((e) => ({
    path: `config${e.instancePath.replace(/\//g, '.')}`,
    message: e.message ?? 'is invalid',
  }));
}
