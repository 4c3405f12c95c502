/**
 * Reads an HTTP response body with a byte cap that holds while it streams: a
 * server may send more than it announced, so the body is cancelled (closing the
 * connection) as soon as the bytes received pass the cap. Shared by config URLs
 * and `engine.loadFile` URLs, which differ only in the error they raise.
 */

/**
 * The whole body (empty when there is none); `tooLarge(received)` is thrown once
 * more than `maxBytes` arrived, and a failed read is thrown as `brokeOff(error,
 * received)` when given (else as it came).
 *
 * `signal` (the one the fetch was given) also ends the read, here: Node's fetch
 * errors the body on abort only while the Response object is alive (it holds it
 * weakly), and a Response whose body is being read may already be collected, so
 * a stalled body would wait for the server forever.
 */
export async function readCappedBody(
  response: Response,
  maxBytes: number,
  tooLarge: (received: number) => Error,
  brokeOff?: (error: unknown, received: number) => Error,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  let onAbort: (() => void) | undefined;
  const aborted =
    signal === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          onAbort = () => {
            reject(signal.reason instanceof Error ? signal.reason : new Error(`aborted: ${String(signal.reason)}`));
            reader.cancel(signal.reason).catch(() => undefined);
          };
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
        });
  aborted?.catch(() => undefined);
  try {
    return await readAll(reader, maxBytes, tooLarge, brokeOff, aborted);
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

async function readAll(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
  tooLarge: (received: number) => Error,
  brokeOff: ((error: unknown, received: number) => Error) | undefined,
  aborted: Promise<never> | undefined,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await (aborted === undefined ? reader.read() : Promise.race([reader.read(), aborted]));
    } catch (error) {
      throw brokeOff ? brokeOff(error, received) : error;
    }
    const { done, value } = next;
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(received);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
