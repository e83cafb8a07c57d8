// Test harness: a console client as the app's terminal is one, over the engine's calls and events only. It
// receives `console.data`, "writes" it (to a sink the test chooses), acknowledges what it wrote through the
// same AckBatcher the renderer uses (optionally slowly), and can wait for text to appear.
import { createHash } from 'node:crypto'
import { AckBatcher, utf8Length } from '../../src-shared/console'
import type { Engine } from '../../src-main/engine/engine'

export interface ProbeOptions {
  /** Delay each acknowledgement by this long (a slow terminal). */
  ackDelayMs?: number
  /** Keep the text (for waitFor); turn off for floods. Default true. */
  keep?: boolean
  /** Called with every chunk; return a promise to ack only once it resolves (a terminal's write callback). */
  write?: (data: string) => void | Promise<void>
}

export class ConsoleProbe {
  text = ''
  received = 0
  acked = 0
  /** The most bytes received and not yet acknowledged at any moment. */
  maxOutstanding = 0
  keep: boolean
  exit: { code?: number | null | undefined; reason: string } | null = null
  private readonly waiters = new Set<() => void>()
  private readonly offs: (() => void)[] = []
  private readonly acks: AckBatcher

  constructor(
    private readonly engine: Engine,
    readonly id: string,
    options: ProbeOptions = {},
  ) {
    this.keep = options.keep !== false
    this.acks = new AckBatcher((bytes) => {
      const send = () => {
        this.acked += bytes
        void engine.api.call('console.ack', { id, bytes }).catch(() => {})
      }
      if (options.ackDelayMs) setTimeout(send, options.ackDelayMs)
      else send()
    })
    this.offs.push(
      engine.on('console.data', (e) => {
        if (e.id !== id) return
        const bytes = utf8Length(e.data)
        this.received += bytes
        this.maxOutstanding = Math.max(this.maxOutstanding, this.received - this.acked)
        if (this.keep) this.text += e.data
        const written = options.write?.(e.data)
        if (written) void written.then(() => this.acks.written(bytes))
        else this.acks.written(bytes)
        this.wake()
      }),
      engine.on('console.exit', (e) => {
        if (e.id !== id) return
        this.exit = { code: e.code, reason: e.reason }
        this.wake()
      }),
    )
  }

  write(data: string): Promise<unknown> {
    return this.engine.api.call('console.write', { id: this.id, data })
  }

  /** Wait until the text since `from` matches. Returns the match. */
  async waitFor(pattern: RegExp | string, timeoutMs = 15_000, from = 0): Promise<RegExpMatchArray> {
    const re =
      typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern
    const end = Date.now() + timeoutMs
    for (;;) {
      const m = this.text.slice(from).match(re)
      if (m) return m
      if (this.exit)
        throw new Error(`console ended (${this.exit.reason}) before ${re}; text: ${this.text.slice(-500)}`)
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; text: ${this.text.slice(-500)}`)
      await this.until(end - Date.now())
    }
  }

  /** Wait until `check` is true (re-checked on every chunk and exit). */
  async waitUntil(check: () => boolean, timeoutMs = 15_000): Promise<void> {
    const end = Date.now() + timeoutMs
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out')
      await this.until(end - Date.now())
    }
  }

  private until(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        this.waiters.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, Math.max(1, Math.min(ms, 200)))
      this.waiters.add(wake)
    })
  }

  private wake(): void {
    for (const w of [...this.waiters]) w()
  }

  dispose(): void {
    this.acks.dispose()
    for (const off of this.offs) off()
  }
}

/** Hashes what arrives between the lines BEGIN_42 and END_42 (the markers are made by the shell). */
export function markedHash(): {
  write: (d: string) => void
  result: Promise<{ sha: string; bytes: number }>
  rest: () => string
} {
  const hash = createHash('sha256')
  let pre = ''
  let inside = false
  let carry = ''
  let bytes = 0
  let finish!: (r: { sha: string; bytes: number }) => void
  const result = new Promise<{ sha: string; bytes: number }>((r) => (finish = r))
  let over = false
  let after = ''
  return {
    result,
    rest: () => after,
    write(d) {
      if (over) return void (after += d)
      if (!inside) {
        pre += d
        const at = pre.indexOf('BEGIN_42\n')
        if (at < 0) return
        inside = true
        d = pre.slice(at + 'BEGIN_42\n'.length)
      }
      const text = carry + d
      const end = text.indexOf('END_42')
      if (end >= 0) {
        hash.update(text.slice(0, end))
        bytes += Buffer.byteLength(text.slice(0, end))
        over = true
        after = text.slice(end)
        return finish({ sha: hash.digest('hex'), bytes })
      }
      const keep = Math.min(6, text.length)
      hash.update(text.slice(0, text.length - keep))
      bytes += Buffer.byteLength(text.slice(0, text.length - keep))
      carry = text.slice(text.length - keep)
    },
  }
}
