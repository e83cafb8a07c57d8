// Lines of tools' and guests' output, capped: whatever a guest or a tool prints, no line Stacklab parses
// is longer than MAX_LINE characters, so the work per line is bounded and a runaway line (32 KB of
// spaces, a megabyte without a newline) costs no more than its bytes. Longer lines keep their head and
// end with a marker that says how much was cut.
export const MAX_LINE = 8 * 1024

/** The marker that ends a line cut at MAX_LINE characters. */
export function cutMarker(dropped: number): string {
  return ` …[${dropped} characters cut]`
}

export function capLine(line: string, max = MAX_LINE): string {
  return line.length > max ? line.slice(0, max) + cutMarker(line.length - max) : line
}

/** Split text into lines (on `\n`), each capped. */
export function outputLines(text: string, max = MAX_LINE): string[] {
  return text.split('\n').map((l) => capLine(l, max))
}

/**
 * Lines of a stream, as chunks arrive: holds at most `max` characters of an unfinished line (the rest of
 * it is only counted), so memory and work stay bounded however long a line runs.
 */
export class LineReader {
  private line = ''
  private dropped = 0

  constructor(private readonly max = MAX_LINE) {}

  /** The lines this chunk finished (without their `\n`). */
  push(chunk: string): string[] {
    const out: string[] = []
    let start = 0
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      this.take(chunk, start, nl)
      out.push(this.flushLine())
      start = nl + 1
    }
    this.take(chunk, start, chunk.length)
    return out
  }

  /** The last line, if the stream ended without a newline. */
  end(): string | null {
    return this.line || this.dropped ? this.flushLine() : null
  }

  private take(chunk: string, from: number, to: number): void {
    const room = this.max - this.line.length
    if (to - from <= room) this.line += chunk.slice(from, to)
    else {
      this.line += chunk.slice(from, from + Math.max(room, 0))
      this.dropped += to - from - Math.max(room, 0)
    }
  }

  private flushLine(): string {
    const line = this.dropped ? this.line + cutMarker(this.dropped) : this.line
    this.line = ''
    this.dropped = 0
    return line
  }
}
