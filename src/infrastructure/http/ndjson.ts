/** About what one write to the socket carries: big enough to amortise the system call, small enough to stream. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Objects as NDJSON text, a line each, handed on in chunks of about 64 KB rather than a chunk per
 * line: each chunk is one write to the socket (or the file), and a write per line would cost more
 * than the line. Pulled lazily, so the consumer's pace is the producer's.
 */
export async function* ndjsonChunks<T>(items: AsyncIterable<T>, text: (item: T) => string = (item) => JSON.stringify(item)): AsyncGenerator<string, void, undefined> {
  let chunk = '';
  for await (const item of items) {
    chunk += `${text(item)}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
