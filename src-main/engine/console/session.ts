// One console session (an SSH shell or a serial console) as the engine sees it: start, write, resize, close,
// an output stream and an exit. The shared part lives here: output cut into bounded chunks that never split
// a UTF-8 character, and flow control as xterm.js describes it (the client acknowledges what it has written
// to its terminal; the source is paused above the high watermark and resumed below the low one). Nothing is
// dropped: a paused source simply stops reading, and the backpressure travels back to the program.
import { randomUUID } from 'node:crypto'
import { StringDecoder } from 'node:string_decoder'
import {
  CHUNK_BYTES,
  HIGH_WATERMARK,
  LOW_WATERMARK,
  type ConsoleInfo,
  type ConsoleKind,
} from '../../../src-shared/console'

export interface SessionSink {
  data(id: string, data: string): void
  exit(id: string, code: number | null, reason: string): void
}

/** What a kind of console provides: a byte source the session can pause, and input, resize and close. */
export interface ConsoleTransport {
  write(data: string): void
  resize(cols: number, rows: number): void
  pause(): void
  resume(): void
  /** End it; the transport still reports its end through `ended`. */
  close(): void
}

export interface TransportHooks {
  output(bytes: Buffer): void
  ended(code: number | null, reason: string): void
}

/** Starts the transport of one kind; rejects (with a clear message) when it cannot connect. */
export type TransportFactory = (
  size: { cols: number; rows: number },
  hooks: TransportHooks,
) => Promise<ConsoleTransport>

export interface SessionInit {
  lab: string
  node: string
  /** The libvirt domain of a console opened by domain name (a VM outside any lab). */
  domain?: string | null
  /** The VM behind the console (a lab node's domain, or `domain`): its checkpoint restores end the session. */
  vm?: string | null
  kind: ConsoleKind
  title: string
  cols: number
  rows: number
  connect: TransportFactory
}

export class ConsoleSession {
  readonly id = randomUUID()
  readonly lab: string
  readonly node: string
  readonly domain: string | null
  readonly kind: ConsoleKind
  readonly title: string
  readonly vm: string | null
  cols: number
  rows: number
  state: ConsoleInfo['state'] = 'connecting'
  exit: { code: number | null; reason: string } | null = null
  private unacked = 0
  private paused = false
  private decoder = new StringDecoder('utf8')
  private transport: ConsoleTransport | null = null
  /** Bumped on every (re)connect, so a late callback of an old transport is ignored. */
  private generation = 0
  private readonly connectTransport: TransportFactory

  constructor(
    init: SessionInit,
    private readonly sink: SessionSink,
  ) {
    this.lab = init.lab
    this.node = init.node
    this.domain = init.domain ?? null
    this.kind = init.kind
    this.title = init.title
    this.vm = init.vm ?? init.domain ?? null
    this.cols = init.cols
    this.rows = init.rows
    this.connectTransport = init.connect
  }

  info(): ConsoleInfo {
    return {
      id: this.id,
      title: this.title,
      lab: this.lab,
      node: this.node,
      domain: this.domain,
      kind: this.kind,
      state: this.state,
      cols: this.cols,
      rows: this.rows,
      unacked: this.unacked,
      paused: this.paused,
      exit: this.exit,
    }
  }

  /** Connect (or connect again after an exit). Rejects when the transport cannot start. */
  async start(): Promise<void> {
    const generation = ++this.generation
    this.state = 'connecting'
    this.exit = null
    this.unacked = 0
    this.paused = false
    this.decoder = new StringDecoder('utf8')
    const transport = await this.connectTransport(
      { cols: this.cols, rows: this.rows },
      {
        output: (bytes) => {
          if (generation === this.generation) this.output(bytes)
        },
        ended: (code, reason) => {
          if (generation === this.generation) this.ended(code, reason)
        },
      },
    ).catch((error: unknown) => {
      if (generation === this.generation) this.state = 'exited'
      throw error
    })
    if (generation !== this.generation || (this.state as ConsoleInfo['state']) === 'exited') {
      // Closed while connecting, or it ended before we got here.
      if (generation !== this.generation) transport.close()
      return
    }
    this.transport = transport
    this.state = 'open'
    if (this.paused) transport.pause() // output that came while connecting already reached the watermark
  }

  write(data: string): void {
    if (this.state !== 'open' || !this.transport) throw new SessionNotOpen(this)
    this.transport.write(data)
  }

  resize(cols: number, rows: number): void {
    this.cols = cols
    this.rows = rows
    if (this.state === 'open') this.transport?.resize(cols, rows)
  }

  /** The client wrote `bytes` more of this session's output to its terminal. */
  ack(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes)
    if (this.paused && this.unacked < LOW_WATERMARK) {
      this.paused = false
      this.transport?.resume()
    }
  }

  close(): void {
    this.generation++
    const t = this.transport
    this.transport = null
    if (this.state !== 'exited') {
      this.state = 'exited'
      this.exit = { code: null, reason: 'closed' }
    }
    t?.close()
  }

  /**
   * Ends the connection from this side, saying why (the VM behind it went back to a checkpoint, so the
   * connection belongs to a past the VM no longer has); the client sees the exit and may reconnect.
   */
  drop(reason: string): void {
    if (this.state === 'exited') return
    this.close()
    this.exit = { code: null, reason }
    this.sink.exit(this.id, null, reason)
  }

  private output(bytes: Buffer): void {
    // Cut before decoding: each piece yields at most CHUNK_BYTES (+3 held back from the previous piece).
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
      const text = this.decoder.write(bytes.subarray(at, at + CHUNK_BYTES))
      if (text) this.emit(text)
    }
  }

  private emit(text: string): void {
    this.unacked += Buffer.byteLength(text, 'utf8')
    this.sink.data(this.id, text)
    if (!this.paused && this.unacked > HIGH_WATERMARK) {
      this.paused = true
      this.transport?.pause()
    }
  }

  private ended(code: number | null, reason: string): void {
    const rest = this.decoder.end()
    if (rest) this.emit(rest)
    this.transport = null
    this.state = 'exited'
    this.exit = { code, reason }
    this.sink.exit(this.id, code, reason)
  }
}

export class SessionNotOpen extends Error {
  constructor(session: ConsoleSession) {
    super(
      `The console ${session.title} is ${session.state === 'connecting' ? 'still connecting' : 'not running any more'}`,
    )
    this.name = 'SessionNotOpen'
  }
}
