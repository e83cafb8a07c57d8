// Security (issue #11, item 6): the log cannot be flooded without the token. A real `stacklab serve` gets
// thousands of refused requests carrying the largest Origin header Node accepts (and 64 KB ones, which Node
// itself refuses): its log keeps each field short, logs a few refusals a minute per kind and then one summary
// line, and rotates on the write that would take it past its limit, not only at start.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_LOG_BYTES } from '../../src-main/engine/log'
import { serveWithSettings } from '../harness/serve'
import { tempDir, xdgEnv } from '../helpers'
import { exchange, statusLine, upgradeRequest } from './raw'

// libvirt's built-in test driver (per process, no daemon): these attacks never need libvirt, and the
// engine's libvirt loop must not wander off to the host's own qemu:///system.
const SETTINGS = { connectionUri: 'test:///default' }

const REFUSALS = 2000
const PARALLEL = 10

let t: ReturnType<typeof tempDir>
let logFile: string
let prefill: string

beforeAll(() => {
  t = tempDir('stacklab-flood-')
  logFile = join(xdgEnv(t.dir).XDG_STATE_HOME, 'stacklab', 'stacklab.log')
  // A log just under its limit when the server starts: only rotation on write can keep it bounded.
  mkdirSync(dirname(logFile), { recursive: true })
  const line = JSON.stringify({ ts: new Date(0).toISOString(), level: 'info', msg: 'earlier' }) + '\n'
  prefill = line.repeat(Math.floor((MAX_LOG_BYTES - 4096) / line.length))
  writeFileSync(logFile, prefill)
})
afterAll(() => t?.cleanup())

async function inParallel(n: number, job: (i: number) => Promise<void>): Promise<void> {
  for (let at = 0; at < n; at += PARALLEL)
    await Promise.all(Array.from({ length: Math.min(PARALLEL, n - at) }, (_, k) => job(at + k)))
}

describe('refused requests against the log', () => {
  it('keep the log small, its fields clipped, and rotate it on write', async () => {
    const served = await serveWithSettings(t.dir, SETTINGS)
    const url = new URL(served.url)
    const port = Number(url.port)
    const token = url.searchParams.get('token')!
    const statuses = new Map<string, number>()
    const count = (s: string) => statuses.set(s, (statuses.get(s) ?? 0) + 1)
    let sent = 0
    try {
      // The largest Origin that reaches the handler (Node caps all headers at 16 KB), from a foreign site.
      const origin = 'http://evil.example/' + 'o'.repeat(15_000)
      await inParallel(REFUSALS, async () => {
        const request = upgradeRequest(port, `/api?token=${token}`, { Origin: origin })
        sent += request.length
        count(statusLine((await exchange(port, [request])).response))
      })
      // 64 KB Origins: Node's parser refuses them before any handler (431), logged as malformed requests.
      await inParallel(200, async () => {
        const request = upgradeRequest(port, `/api?token=${token}`, { Origin: 'o'.repeat(64 * 1024) })
        sent += request.length
        count(statusLine((await exchange(port, [request])).response))
      })
      // Malformed targets, long ones.
      await inParallel(500, async () => {
        const request = Buffer.from(
          `GET /${'a'.repeat(8000)}%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
        )
        sent += request.length
        count(statusLine((await exchange(port, [request])).response))
      })
    } finally {
      // Stopping the server writes the summaries of what it left out.
      await served.stop()
    }
    // Bounded: the file never passes its limit; rotated on write: the earlier log is now .1, whole.
    expect(statSync(logFile).size).toBeLessThanOrEqual(MAX_LOG_BYTES)
    expect(readFileSync(`${logFile}.1`, 'utf8').startsWith(prefill)).toBe(true)
    const written = statSync(logFile).size + statSync(`${logFile}.1`).size - prefill.length
    expect(sent).toBeGreaterThan(30 * 1024 * 1024)
    expect(written).toBeLessThan(64 * 1024)

    const entries = [
      readFileSync(`${logFile}.1`, 'utf8').slice(prefill.length),
      readFileSync(logFile, 'utf8'),
    ]
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; origin?: string; target?: string })
    const foreign = entries.filter((e) => e.msg.includes('refused a WebSocket from a foreign host or origin'))
    expect(foreign).toHaveLength(20)
    // Each logged header is clipped and says so.
    for (const e of foreign) {
      expect(e.origin!.length).toBeLessThan(260)
      expect(e.origin).toMatch(/^http:\/\/evil\.example\/o+…\[\d+ more chars\]$/)
    }
    const targets = entries.filter((e) => e.msg.includes('malformed request target'))
    expect(targets).toHaveLength(20)
    for (const e of targets) expect(e.target!.length).toBeLessThan(260)
    // One summary line per kind for what was left out.
    const summaries = entries.map((e) => e.msg).filter((m) => m.includes('more refused requests'))
    expect(summaries).toEqual(
      expect.arrayContaining([
        `${REFUSALS - 20} more refused requests (ws-origin) not logged`,
        '180 more refused requests (malformed) not logged',
        '480 more refused requests (bad-request) not logged',
      ]),
    )
    // Every request was refused as it should be.
    expect(Object.fromEntries(statuses)).toEqual({
      'HTTP/1.1 403 Forbidden': REFUSALS,
      'HTTP/1.1 431 Request Header Fields Too Large': 200,
      'HTTP/1.1 400 Bad Request': 500,
    })
  }, 120_000)
})
