// Console contract: the schemas of the console calls and events (SSH shell or serial console of a lab node),
// the size limits, and the flow-control numbers shared by the engine and every client. Output arrives as
// `console.data` chunks of text that never split a UTF-8 character; a client acknowledges the bytes it has
// written to its terminal with `console.ack`, and the engine pauses the source while too much is unacked.
import { z } from 'zod'
import { RefName, ResourceName } from './names'

export const ConsoleKind = z.enum(['ssh', 'serial'])
export type ConsoleKind = z.infer<typeof ConsoleKind>

export const MAX_COLS = 1000
export const MAX_ROWS = 500
/**
 * Largest `console.write` (in characters); a paste bigger than this is sent in pieces. Even all control
 * characters (six bytes each in JSON) stay under the API's input limit.
 */
export const MAX_WRITE_CHARS = 32 * 1024
/** Largest `console.data` chunk the engine emits, in UTF-8 bytes. */
export const CHUNK_BYTES = 32 * 1024
/** The engine pauses the source when this many emitted bytes are not yet acknowledged... */
export const HIGH_WATERMARK = 1024 * 1024
/** ...and resumes it once the unacknowledged bytes fall below this. */
export const LOW_WATERMARK = 256 * 1024
/** Clients acknowledge in batches of at least this many bytes (or when output goes quiet). */
export const ACK_BATCH_BYTES = 64 * 1024

const Cols = z.number().int().min(2).max(MAX_COLS)
const Rows = z.number().int().min(1).max(MAX_ROWS)
export const ConsoleId = z.string().uuid()

/**
 * A lab node's console (`lab` and `node`: SSH or serial), or the serial console of any VM on the host by its
 * libvirt name (`domain`, made by anyone: Stacklab holds no login key or host key for it, so serial only).
 */
export const ConsoleOpenInput = z
  .object({
    lab: ResourceName.optional(),
    node: ResourceName.optional(),
    domain: RefName.optional(),
    kind: ConsoleKind,
    cols: Cols,
    rows: Rows,
  })
  .strict()
  .superRefine((input, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
    if (input.domain !== undefined) {
      if (input.lab !== undefined || input.node !== undefined)
        issue('domain', 'give either a domain or a lab and node, not both')
      else if (input.kind !== 'serial')
        issue('kind', 'a VM outside a lab has only its serial console (Stacklab holds no SSH key for it)')
    } else {
      if (input.lab === undefined) issue('lab', 'give a lab and node, or a domain')
      if (input.node === undefined) issue('node', 'give a lab and node, or a domain')
    }
  })
export type ConsoleOpenInput = z.output<typeof ConsoleOpenInput>
export const ConsoleWriteInput = z
  .object({ id: ConsoleId, data: z.string().min(1).max(MAX_WRITE_CHARS) })
  .strict()
export const ConsoleResizeInput = z.object({ id: ConsoleId, cols: Cols, rows: Rows }).strict()
export const ConsoleAckInput = z
  .object({
    id: ConsoleId,
    bytes: z
      .number()
      .int()
      .min(1)
      .max(1024 * 1024 * 1024),
  })
  .strict()
export const ConsoleIdInput = z.object({ id: ConsoleId }).strict()

export const ConsoleState = z.enum(['connecting', 'open', 'exited'])

export const ConsoleInfo = z.object({
  id: ConsoleId,
  title: z.string(),
  /** The lab and node, or `''` for a VM outside any lab (then `domain` names it). */
  lab: z.string(),
  node: z.string(),
  /** The libvirt domain of a serial console opened by domain name; null for lab nodes' consoles. */
  domain: z.string().nullable().default(null),
  kind: ConsoleKind,
  state: ConsoleState,
  cols: z.number().int(),
  rows: z.number().int(),
  /** Bytes emitted and not yet acknowledged: a client that attaches to a running session acks these. */
  unacked: z.number().int(),
  /** Whether the source is paused by flow control right now. */
  paused: z.boolean(),
  exit: z.object({ code: z.number().int().nullable(), reason: z.string() }).nullable(),
})
export type ConsoleInfo = z.infer<typeof ConsoleInfo>

export const ConsoleDataEvent = z.object({ id: ConsoleId, data: z.string() })
export const ConsoleExitEvent = z.object({
  id: ConsoleId,
  code: z.number().int().nullable().optional(),
  reason: z.string(),
})
export type ConsoleExitEvent = z.infer<typeof ConsoleExitEvent>

/** UTF-8 length of a string, without allocating (the unit of `console.ack`). */
export function utf8Length(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4
        i++
      } else n += 3
    } else n += 3
  }
  return n
}

/**
 * Gathers a client's acknowledgements (from the terminal's write callbacks) into batches: sent when a batch
 * is full, or shortly after output goes quiet, so the engine's count always returns to zero.
 */
export class AckBatcher {
  private pending = 0
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly send: (bytes: number) => void,
    private readonly batch = ACK_BATCH_BYTES,
    private readonly quietMs = 15,
  ) {}

  written(bytes: number): void {
    if (bytes <= 0) return
    this.pending += bytes
    if (this.pending >= this.batch) return this.flush()
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.quietMs)
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.pending <= 0) return
    const bytes = this.pending
    this.pending = 0
    this.send(bytes)
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pending = 0
  }
}
