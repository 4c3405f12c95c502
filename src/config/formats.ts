/**
 * Config text formats: JSON, YAML (the `yaml` package, loaded on first use —
 * await `prepareFormat` first) and INI (the `ini` package). Parsing errors become ConfigErrors naming the file, line, column
 * and nearest key; `locateKey` finds the line of a key for validation messages.
 */
import ini from 'ini';
import { loadYaml, yamlPackage } from './yamlModule.js';
import { ConfigError } from '../errors/ConfigError.js';
import { FORBIDDEN_KEYS, isPlainObject } from './paths.js';
import type { ConfigFormat, ConfigTree, ConfigValue } from './types.js';

const EXTENSIONS: Record<string, ConfigFormat> = {
  json: 'json', yaml: 'yaml', yml: 'yaml', ini: 'ini', cfg: 'ini', conf: 'ini',
};

/** The format a file name's extension names, or undefined. */
export function formatFromName(name: string): ConfigFormat | undefined {
  const match = /\.([A-Za-z0-9]+)$/.exec(name);
  return match ? EXTENSIONS[match[1]!.toLowerCase()] : undefined;
}

/** The format a Content-Type names, or undefined. */
export function formatFromContentType(contentType: string | null): ConfigFormat | undefined {
  if (contentType === null) return undefined;
  const type = contentType.toLowerCase();
  if (type.includes('json')) return 'json';
  if (type.includes('yaml') || type.includes('yml')) return 'yaml';
  if (type.includes('ini')) return 'ini';
  return undefined;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The offset where JSON text stops being valid. V8 does not always say (e.g.
 * "Unexpected token '}'"), so find it: a prefix that is merely unfinished fails
 * at its very end ("Unexpected end", or a position equal to its length), one
 * that contains the error fails before its end; that property is monotonic in
 * the prefix's length (parsing goes left to right), so a binary search finds it.
 */
export function jsonErrorOffset(text: string, message: string): number {
  const stated = /position (\d+)/.exec(message);
  if (stated) return Number(stated[1]);
  const broken = (n: number) => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (error) {
      const why = (error as Error).message;
      if (/end of JSON input/i.test(why)) return false;
      const at = /position (\d+)/.exec(why);
      return at === null || Number(at[1]) < n;
    }
  };
  let lo = 0;
  let hi = text.length;
  if (!broken(hi)) return text.length; // an unfinished document: the error is at its end
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (broken(mid)) hi = mid;
    else lo = mid + 1;
  }
  return Math.max(0, lo - 1);
}

/** The last `"key":` before `offset` in JSON text. */
function jsonKeyBefore(text: string, offset: number): string | undefined {
  const re = /"((?:[^"\\]|\\.)*)"\s*:/g;
  let last: string | undefined;
  for (let m = re.exec(text); m !== null && m.index < offset; m = re.exec(text)) last = m[1];
  return last;
}

/** The last `key:` on or above `line` (1-based) in YAML text. */
function yamlKeyAtOrAbove(text: string, line: number): string | undefined {
  const lines = text.split('\n');
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = /^\s*(?:-\s+)?["']?([^"':#\s][^"':#]*?)["']?\s*:(\s|$)/.exec(lines[i]!);
    if (m) return m[1];
  }
  return undefined;
}

/** INI drops some keys silently (`__proto__`), so forbidden keys are looked for in the text itself. */
function assertIniKeysSafe(text: string, file: string): void {
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    const section = /^\[(.*)\]$/.exec(line);
    const names = section ? section[1]!.split('.') : [line.split('=')[0]!.trim().replace(/\[\]$/, '')];
    for (const name of names) {
      const key = name.trim().replace(/^["']|["']$/g, '');
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ConfigError(`Forbidden key '${key}' in ${file} at line ${i + 1}: it could modify object prototypes; remove or rename it`, { key, file, line: i + 1 });
      }
    }
  });
}

/** Loads what parsing or rendering `format` needs: the yaml package for YAML, and for JSON (`locateKey` reads JSON as YAML). */
export async function prepareFormat(format: ConfigFormat): Promise<void> {
  if (format === 'yaml' || format === 'json') await loadYaml();
}

/** Parses config text (after `prepareFormat`). The document's root must be a mapping (an empty document is `{}`). */
export function parseConfigText(text: string, format: ConfigFormat, file: string): ConfigTree {
  let parsed: unknown;
  switch (format) {
    case 'json':
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        const offset = jsonErrorOffset(text, (error as Error).message);
        const { line, column } = lineColumn(text, offset);
        const key = jsonKeyBefore(text, offset);
        throw new ConfigError(
          `Invalid JSON in ${file} at line ${line}, column ${column}${key !== undefined ? ` (after key "${key}")` : ''}: ${(error as Error).message}. Fix the syntax and load it again.`,
          { file, line, cause: error, ...(key !== undefined ? { key } : {}) },
        );
      }
      break;
    case 'yaml':
      try {
        parsed = yamlPackage().parse(text);
      } catch (error) {
        if (error instanceof yamlPackage().YAMLParseError) {
          const line = error.linePos?.[0].line;
          const column = error.linePos?.[0].col;
          const key = line !== undefined ? yamlKeyAtOrAbove(text, line) : undefined;
          const where = line !== undefined ? ` at line ${line}, column ${column}` : '';
          throw new ConfigError(
            `Invalid YAML in ${file}${where}${key !== undefined ? ` (near key "${key}")` : ''}: ${error.message.split('\n')[0]}. Fix the syntax and load it again.`,
            { file, cause: error, ...(line !== undefined ? { line } : {}), ...(key !== undefined ? { key } : {}) },
          );
        }
        throw new ConfigError(`Invalid YAML in ${file}: ${(error as Error).message}`, { file, cause: error });
      }
      break;
    case 'ini':
      assertIniKeysSafe(text, file);
      parsed = ini.parse(text);
      break;
    default:
      throw new ConfigError(`Unknown config format '${String(format)}' for ${file}; use 'json', 'yaml' or 'ini'`, { file });
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) {
    throw new ConfigError(`The config in ${file} must be a mapping of keys to values at its top level, got ${Array.isArray(parsed) ? 'a list' : typeof parsed}`, { file });
  }
  // The ini package builds objects with a null prototype; give every object the ordinary one.
  return JSON.parse(JSON.stringify(parsed)) as ConfigTree;
}

/** Checks that INI can hold the tree: arrays of scalars only, no nulls. */
function assertIniRepresentable(value: ConfigValue, path: string, file: string): void {
  if (value === null) throw new ConfigError(`INI cannot hold null (at '${path}'); save to ${file} as json or yaml, or remove the key`, { key: path, file });
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === null || typeof item === 'object') {
        throw new ConfigError(`INI can only hold lists of plain values (at '${path}'); save to ${file} as json or yaml`, { key: path, file });
      }
    }
    return;
  }
  if (isPlainObject(value)) for (const k of Object.keys(value)) assertIniRepresentable(value[k] as ConfigValue, path ? `${path}.${k}` : k, file);
}

/** Renders a tree as text in `format` (after `prepareFormat`). */
export function serializeConfig(tree: ConfigTree, format: ConfigFormat, file: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(tree, null, 2)}\n`;
    case 'yaml':
      return yamlPackage().stringify(tree);
    case 'ini':
      assertIniRepresentable(tree, '', file);
      return ini.stringify(tree, { whitespace: true });
    default:
      throw new ConfigError(`Unknown config format '${String(format)}' for ${file}; use 'json', 'yaml' or 'ini'`, { file });
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lineOf(text: string, offset: number): number {
  return lineColumn(text, offset).line;
}

/** The 1-based line where `path` is written in config text, when it can be found. */
export function locateKey(text: string, format: ConfigFormat, path: readonly string[]): number | undefined {
  if (path.length === 0) return undefined;
  try {
    if (format === 'yaml' || format === 'json') return locateInDocument(text, path);
    // INI: the section header of the parent path, then the key below it.
    const sectionPath = path.slice(0, -1).join('.');
    let from = 0;
    if (sectionPath !== '') {
      const header = new RegExp(`^[ \\t]*\\[${escapeRegExp(sectionPath)}\\][ \\t]*$`, 'm').exec(text);
      if (header === null) return undefined;
      from = header.index + header[0].length;
    }
    const re = new RegExp(`^[ \\t]*${escapeRegExp(path[path.length - 1]!)}(\\[\\])?[ \\t]*=`, 'mg');
    re.lastIndex = from;
    const m = re.exec(text);
    return m === null ? undefined : lineOf(text, m.index);
  } catch {
    return undefined;
  }
}

/**
 * JSON is YAML 1.2's flow syntax, so the YAML parser gives both formats each key's
 * own position. The path is followed pair by pair, so the line is that of the key
 * at its own depth: not a same-named key nested elsewhere, and not the first line
 * of the key's value (a nested mapping starts on the line below). When the path
 * leaves the document, the deepest key found is the answer. Duplicate keys are
 * allowed (JSON.parse accepts them) and the last one wins, as it does there.
 */
function locateInDocument(text: string, path: readonly string[]): number | undefined {
  const { LineCounter, parseDocument, isMap, isNode, isScalar, isSeq } = yamlPackage();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      let pair: (typeof node.items)[number] | undefined;
      for (let i = node.items.length - 1; i >= 0 && pair === undefined; i--) {
        const key = node.items[i]!.key;
        if ((isScalar(key) ? String(key.value) : key) === segment) pair = node.items[i];
      }
      if (pair === undefined) break;
      if (isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (!isNode(item) || !item.range) break;
      offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
