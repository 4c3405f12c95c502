/**
 * The public shapes of `engine.loadFile`: what a source may be, which formats
 * there are, the options and the result.
 */
import type { LoadDataOptions, LoadDataResult } from '../types.js';

/** A file format `loadFile` reads. `json` is one array of objects (or one object); `ndjson` one object per line. */
export type FileFormat = 'csv' | 'parquet' | 'json' | 'ndjson' | 'arrow';

/**
 * Where a file comes from:
 * - a string: a local path (Node only), or an `http:` / `https:` URL;
 * - a `URL` (http/https);
 * - a `Blob` or `File` (browser file pickers, drag and drop; `Blob` exists in Node too);
 * - a `Uint8Array` or `ArrayBuffer` with the file's bytes (never modified or detached).
 */
export type LoadFileSource = string | URL | Blob | Uint8Array | ArrayBuffer;

/** Options of `loadFile`: `mode` as in `loadData`, plus how to read the file. */
export interface LoadFileOptions extends LoadDataOptions {
  /**
   * The format. Default detected: from the name's extension (`.csv`, `.tsv`,
   * `.parquet`, `.json`, `.ndjson` / `.jsonl`, `.arrow` / `.feather` / `.ipc` /
   * `.arrows`), else from the first bytes (`PAR1`, `ARROW1`, the IPC stream's
   * `0xFFFFFFFF`, `[` or `{`), else CSV when the bytes look like text.
   */
  format?: FileFormat;
  /** CSV: the first line holds column names. Default detected by DuckDB. */
  header?: boolean;
  /** CSV: the field separator. Default detected by DuckDB. */
  delimiter?: string;
  /**
   * The largest file accepted, in bytes; a bigger file (by its size, its
   * Content-Length, or the bytes a download actually sends) is refused with a
   * ValidationError before it fills memory. Default 1 GiB.
   */
  maxBytes?: number;
  /**
   * URL sources: the longest the download (headers and body) may take, in ms; past
   * it the load fails with a TimeoutError naming the URL. `Infinity`: no limit
   * (then pass a `signal` to end it). Default 300 000 (5 minutes).
   */
  downloadTimeoutMs?: number;
  /**
   * Aborts a download (URL sources) and the load, up to its COMMIT: the load
   * rejects and nothing is loaded. A Parquet load in pieces (DuckDB-WASM) stops
   * before its next piece decodes; one DuckDB statement runs to its end first.
   */
  signal?: AbortSignal;
  /** The name used in messages (and for detection by extension) for a Uint8Array, ArrayBuffer or Blob. */
  name?: string;
}

/** What `loadFile` returns: `loadData`'s result plus what was read. */
export interface LoadFileResult extends LoadDataResult {
  /** The format read (given or detected). */
  format: FileFormat;
  /** The source as messages name it (path, URL, file name). */
  source: string;
  /** Size of the file in bytes. */
  bytes: number;
}

/**
 * The part of the `parquet-wasm` package the wasm backends use to read Parquet
 * (DuckDB-WASM has no parquet extension offline). In Node it is imported when
 * first needed; in a browser import it, await its default export (the wasm
 * init, given your served `parquet_wasm_bg.wasm` URL) and pass the module as
 * `engineOptions.parquet`.
 */
export interface ParquetWasmModule {
  readParquet(bytes: Uint8Array, options?: { batchSize?: number; rowGroups?: number[] }): { intoIPCStream(): Uint8Array };
  /**
   * parquet-wasm's footer reader (its `ParquetFile`; the whole module has it).
   * With it a file of several row groups is decoded a few row groups at a time,
   * each piece inserted while the next decodes; without it the file is decoded
   * in one piece.
   */
  ParquetFile?: { fromFile(handle: Blob): Promise<ParquetFooter> };
}

/** The part of parquet-wasm's `ParquetFile` the wasm backends read: the row groups' sizes. */
export interface ParquetFooter {
  metadata(): { rowGroups(): { numRows(): number; free(): void }[]; free(): void };
  free(): void;
}
