// The app's log: one JSON object a line, secrets masked, appended synchronously so a crash keeps the last lines.
// Bounded whatever callers pass or strangers send: every field is capped, the file rotates by size on every
// write (one previous file kept), and entries a stranger can cause go through a per-kind rate limit.
import { appendFileSync, mkdirSync, statSync, renameSync } from 'node:fs'
import { dirname } from 'node:path'
import { redact } from './secrets'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void
  readonly file: string | null
}

export interface LoggerOptions {
  /** The file is moved to `<file>.1` before a line would take it past this. */
  maxBytes?: number
}

export const MAX_LOG_BYTES = 10 * 1024 * 1024
/** Longest string kept in a field; callers clip untrusted values much shorter (see clip). */
export const MAX_FIELD_CHARS = 4096
const MAX_FIELD_ITEMS = 100
const MAX_FIELD_DEPTH = 4

/** A string cut to `max` characters, saying how much was left out. */
export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}…[${value.length - max} more chars]`
}

/** A field value with every string masked and clipped, long arrays and deep objects cut. */
function capValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return clip(redact(value), MAX_FIELD_CHARS)
  if (typeof value === 'bigint') return String(value)
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_FIELD_DEPTH) return '[…]'
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_FIELD_ITEMS).map((v) => capValue(v, depth + 1))
    if (value.length > MAX_FIELD_ITEMS) kept.push(`…[${value.length - MAX_FIELD_ITEMS} more items]`)
    return kept
  }
  const out: Record<string, unknown> = {}
  const entries = Object.entries(value)
  for (const [k, v] of entries.slice(0, MAX_FIELD_ITEMS)) out[clip(k, 200)] = capValue(v, depth + 1)
  if (entries.length > MAX_FIELD_ITEMS) out['…'] = `${entries.length - MAX_FIELD_ITEMS} more fields`
  return out
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0 // no log yet
  }
}

export function createLogger(
  file: string | null,
  echo?: (line: string) => void,
  options: LoggerOptions = {},
): Logger {
  const maxBytes = options.maxBytes ?? MAX_LOG_BYTES
  // Bytes in the file as far as this process knows: read once, then counted on every write.
  let size = -1
  const rotate = () => {
    renameSync(file!, `${file}.1`)
    size = 0
  }
  return {
    file,
    log(level, msg, fields) {
      const ts = new Date().toISOString()
      let line: string
      try {
        const capped = fields ? (capValue(fields, 0) as Record<string, unknown>) : {}
        line = redact(JSON.stringify({ ts, level, msg, ...capped }))
      } catch {
        line = redact(JSON.stringify({ ts, level, msg, fields: '[not serialisable]' }))
      }
      try {
        echo?.(line)
        if (!file) return
        const bytes = Buffer.byteLength(line) + 1
        if (size < 0) {
          mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
          size = sizeOf(file)
          if (size > maxBytes) rotate()
        }
        if (size > 0 && size + bytes > maxBytes) {
          // Another process (the CLI beside `stacklab serve`) may have appended or rotated meanwhile: look at
          // the real size before rotating, so a file another process just started is not thrown away.
          size = sizeOf(file)
          if (size > 0 && size + bytes > maxBytes) rotate()
        }
        appendFileSync(file, line + '\n', { mode: 0o600 })
        size += bytes
      } catch {
        // A log that cannot be written (or echoed) must never take the engine down.
      }
    },
  }
}

export const nullLogger: Logger = { file: null, log() {} }

export interface LimitedLog {
  /** Log unless `kind` already had its share of entries this window; then count it for the summary. */
  (kind: string, level: LogLevel, msg: string, fields?: Record<string, unknown>): void
  /** Write the summaries of what was left out now (on close). */
  flush(): void
}

/**
 * Entries a stranger can cause at will (refused requests): at most `perWindow` per kind per window, then
 * one summary line "N more ... not logged" when the window ends. `kind` must be a constant of the caller,
 * never taken from a request, so the number of kinds stays bounded.
 */
export function rateLimited(
  logger: Logger,
  options: { perWindow?: number; windowMs?: number; what?: string } = {},
): LimitedLog {
  const perWindow = options.perWindow ?? 20
  const windowMs = options.windowMs ?? 60_000
  const what = options.what ?? 'entries'
  const kinds = new Map<
    string,
    { start: number; count: number; left: number; level: LogLevel; timer: NodeJS.Timeout | null }
  >()
  const summarize = (kind: string) => {
    const k = kinds.get(kind)
    if (!k) return
    if (k.timer) clearTimeout(k.timer)
    k.timer = null
    if (k.left > 0) {
      logger.log(k.level, `${k.left} more ${what} (${kind}) not logged`, {
        kind,
        left: k.left,
        since: new Date(k.start).toISOString(),
      })
    }
    kinds.delete(kind)
  }
  const limited = ((kind, level, msg, fields) => {
    const now = Date.now()
    let k = kinds.get(kind)
    if (k && now - k.start >= windowMs) {
      summarize(kind)
      k = undefined
    }
    if (!k) kinds.set(kind, (k = { start: now, count: 0, left: 0, level, timer: null }))
    if (k.count < perWindow) {
      k.count++
      logger.log(level, msg, fields)
      return
    }
    k.left++
    // The summary comes at the window's end even when nothing more is refused after it.
    if (!k.timer) {
      k.timer = setTimeout(() => summarize(kind), Math.max(0, k.start + windowMs - now))
      k.timer.unref()
    }
  }) as LimitedLog
  limited.flush = () => {
    for (const kind of [...kinds.keys()]) summarize(kind)
  }
  return limited
}
