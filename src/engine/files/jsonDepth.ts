/**
 * How deep a JSON text nests, found by one pass over its bytes. Native DuckDB's
 * `read_json` crashes the whole process (a segmentation fault, measured with
 * @duckdb/node-api 1.5 on 100 000 nested arrays) instead of failing, so a file
 * nesting deeper than any real dataset is refused before a reader sees it.
 */

/** The deepest nesting `loadFile` hands to a JSON reader. Real data nests a few levels; the crash needs tens of thousands. */
export const MAX_JSON_DEPTH = 1000;

/** The byte offset where `bytes` first nest deeper than `limit` (strings skipped), or -1. */
export function jsonDepthOverflow(bytes: Uint8Array, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c /* \ */) i++;
      else if (b === 0x22 /* " */) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b /* [ */ || b === 0x7b /* { */) {
      if (++depth > limit) return i;
    } else if (b === 0x5d /* ] */ || b === 0x7d /* } */) depth--;
    // A line break ends an NDJSON record; a JSON document's depth is unaffected by one.
  }
  return -1;
}
