// The log stays bounded whatever is written to it: rotation by size on every write (not only at start), a cap
// on every field (secrets masked before the cut), and a per-kind rate limit with a summary line.
import { appendFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { clip, createLogger, MAX_FIELD_CHARS, rateLimited, type Logger } from '../../src-main/engine/log'
import { forgetSecret, registerSecret } from '../../src-main/engine/secrets'
import { tempDir } from '../helpers'

let t: ReturnType<typeof tempDir>
let file: string
beforeEach(() => {
  t = tempDir()
  file = join(t.dir, 'state', 'stacklab.log')
})
afterEach(() => t.cleanup())

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)

describe('rotation', () => {
  it('moves the file aside on the write that would take it past the limit, keeping every line whole', () => {
    const log = createLogger(file, undefined, { maxBytes: 4096 })
    for (let i = 0; i < 100; i++) log.log('info', 'line', { i, pad: 'x'.repeat(60) })
    expect(existsSync(`${file}.1`)).toBe(true)
    expect(statSync(file).size).toBeLessThanOrEqual(4096)
    expect(statSync(`${file}.1`).size).toBeLessThanOrEqual(4096)
    // The newest lines are in the file, the ones before them in .1, in order and unbroken.
    const kept = [...lines(`${file}.1`), ...lines(file)].map((l) => l['i'] as number)
    expect(kept.at(-1)).toBe(99)
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => 100 - kept.length + k))
  })

  it('rotates a file already past the limit on the first write', () => {
    const log = createLogger(file, undefined, { maxBytes: 1000 })
    log.log('info', 'make the directory')
    appendFileSync(file, 'y'.repeat(5000) + '\n')
    const fresh = createLogger(file, undefined, { maxBytes: 1000 })
    fresh.log('info', 'after start')
    expect(lines(file).map((l) => l['msg'])).toEqual(['after start'])
    expect(statSync(`${file}.1`).size).toBeGreaterThan(5000)
  })

  it('does not rotate a file another process has just started (it looks at the real size first)', () => {
    const log = createLogger(file, undefined, { maxBytes: 4096 })
    // Ours is close to the limit: a few more lines would rotate it.
    for (let i = 0; !existsSync(file) || statSync(file).size < 4096 - 200; i++)
      log.log('info', 'ours', { i, pad: 'x'.repeat(60) })
    expect(existsSync(`${file}.1`)).toBe(false)
    // Another process (the CLI beside `stacklab serve`) rotates the same log and starts a new one.
    renameSync(file, `${file}.1`)
    writeFileSync(file, JSON.stringify({ msg: 'theirs' }) + '\n')
    const theirs = readFileSync(`${file}.1`, 'utf8')
    for (let i = 0; i < 5; i++) log.log('info', 'ours again', { i, pad: 'x'.repeat(60) })
    expect(readFileSync(`${file}.1`, 'utf8')).toBe(theirs)
    expect(lines(file).map((l) => l['msg'])).toEqual(['theirs', ...Array<string>(5).fill('ours again')])
  })
})

describe('fields', () => {
  it('caps every string field, saying how much was left out', () => {
    const log = createLogger(file)
    log.log('warn', 'big', { origin: 'o'.repeat(100_000), nested: { list: Array(500).fill('z') } })
    const [line] = readFileSync(file, 'utf8').split('\n')
    expect(line!.length).toBeLessThan(MAX_FIELD_CHARS + 2000)
    const entry = JSON.parse(line!) as { origin: string; nested: { list: string[] } }
    expect(entry.origin).toBe(clip('o'.repeat(100_000), MAX_FIELD_CHARS))
    expect(entry.origin.endsWith(`…[${100_000 - MAX_FIELD_CHARS} more chars]`)).toBe(true)
    expect(entry.nested.list).toHaveLength(101)
    expect(entry.nested.list.at(-1)).toBe('…[400 more items]')
  })

  it('masks a secret before cutting, so no prefix of it survives the cut', () => {
    const secret = 'Sup3r-s3cret-passw0rd-value'
    registerSecret(secret)
    try {
      const log = createLogger(file)
      log.log('info', 'x', { stderr: 'a'.repeat(MAX_FIELD_CHARS - 8) + secret })
      const text = readFileSync(file, 'utf8')
      expect(text).not.toContain(secret.slice(0, 6))
      expect(text).toContain('***')
    } finally {
      forgetSecret(secret)
    }
  })
})

describe('never throwing', () => {
  it('writes a line for fields JSON cannot hold (a bigint, a getter that throws)', () => {
    const log = createLogger(file)
    const hostile = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('boom')
      },
    })
    expect(() => log.log('info', 'big number', { n: 2n ** 70n })).not.toThrow()
    expect(() => log.log('info', 'hostile', { hostile })).not.toThrow()
    expect(lines(file)).toMatchObject([
      { msg: 'big number', n: String(2n ** 70n) },
      { msg: 'hostile', fields: '[not serialisable]' },
    ])
  })
})

describe('rate limit', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function recorder(): Logger & { entries: { msg: string; fields?: Record<string, unknown> }[] } {
    const entries: { msg: string; fields?: Record<string, unknown> }[] = []
    return {
      file: null,
      entries,
      log: (_level, msg, fields) => entries.push(fields ? { msg, fields } : { msg }),
    }
  }

  it('logs at most N of a kind a window, then one summary line when the window ends', () => {
    const log = recorder()
    const limited = rateLimited(log, { perWindow: 20, windowMs: 60_000, what: 'refused requests' })
    for (let i = 0; i < 1000; i++) limited('ws-origin', 'warn', 'refused', { i })
    for (let i = 0; i < 3; i++) limited('ws-token', 'warn', 'no token')
    expect(log.entries.filter((e) => e.msg === 'refused')).toHaveLength(20)
    expect(log.entries.filter((e) => e.msg === 'no token')).toHaveLength(3)
    vi.advanceTimersByTime(60_000)
    expect(log.entries.at(-1)!.msg).toBe('980 more refused requests (ws-origin) not logged')
    expect(log.entries).toHaveLength(24)
    // A new window starts fresh.
    limited('ws-origin', 'warn', 'refused', { i: -1 })
    expect(log.entries.at(-1)).toEqual({ msg: 'refused', fields: { i: -1 } })
  })

  it('writes the pending summaries on flush (closing the host)', () => {
    const log = recorder()
    const limited = rateLimited(log, { perWindow: 2 })
    for (let i = 0; i < 5; i++) limited('bad-request', 'warn', 'bad')
    limited.flush()
    expect(log.entries.map((e) => e.msg)).toEqual(['bad', 'bad', '3 more entries (bad-request) not logged'])
    vi.advanceTimersByTime(120_000)
    expect(log.entries).toHaveLength(3)
  })
})
