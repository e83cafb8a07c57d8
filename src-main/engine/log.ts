// The app's log: one JSON object a line, secrets masked, appended synchronously so a crash keeps the last lines.
import { appendFileSync, mkdirSync, statSync, renameSync } from 'node:fs'
import { dirname } from 'node:path'
import { redact } from './secrets'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void
  readonly file: string | null
}

const MAX_LOG_BYTES = 10 * 1024 * 1024

export function createLogger(file: string | null, echo?: (line: string) => void): Logger {
  let ready = false
  return {
    file,
    log(level, msg, fields) {
      const line = redact(JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields }))
      echo?.(line)
      if (!file) return
      try {
        if (!ready) {
          mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
          // Keep one previous log when the current one grows past the limit.
          try {
            if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`)
          } catch {
            /* no log yet */
          }
          ready = true
        }
        appendFileSync(file, line + '\n', { mode: 0o600 })
      } catch {
        // A log that cannot be written must never take the engine down.
      }
    },
  }
}

export const nullLogger: Logger = { file: null, log() {} }
