// Security (issue #11, item 2): no request kills `stacklab serve`. A bounded, seeded fuzz of the browser host's
// HTTP and WebSocket front over raw TCP, against a real `stacklab serve` process (so a crash is a real crash):
// malformed request lines, methods, targets and encodings, header names and values, huge headers,
// absolute-form URLs, upgrade requests with bad keys, versions and paths, and after a valid authenticated
// upgrade, malformed frames. After every batch the process must be alive and still answer the page and a call.
// Also: a flood of connections that uses up its file descriptors, and connections held open across SIGTERM.
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import { serveWithSettings } from '../harness/serve'
import { tempDir } from '../helpers'
import { exchange, frame, seeded, statusLine, upgradeRequest, wsCall, wsSession, type FrameSpec } from './raw'

// libvirt's built-in test driver (per process, no daemon): these attacks never need libvirt, and the
// engine's libvirt loop must not wander off to the host's own qemu:///system.
const SETTINGS = { connectionUri: 'test:///default' }

const SEED = 0x5eed_0011
const CASES = 3000
const BATCH = 250
const PARALLEL = 10

let t: ReturnType<typeof tempDir>
let served: { url: string; child: ChildProcess; stop: () => Promise<void> }
let port: number
let token: string

beforeAll(async () => {
  t = tempDir('stacklab-fuzz-')
  served = await serveWithSettings(t.dir, SETTINGS)
  const url = new URL(served.url)
  port = Number(url.port)
  token = url.searchParams.get('token')!
})
afterAll(async () => {
  await served?.stop()
  t?.cleanup()
})

const rng = seeded(SEED)
const bytes = (n: number) => Array.from({ length: n }, () => String.fromCharCode(rng.int(256))).join('')

// Targets: malformed percent-encoding (what an <img src> on any web page can make a browser send), traversal,
// absolute-form and authority-form, NUL, raw non-ASCII bytes, very long ones.
const targets = (): string[] => [
  '/',
  `/?token=${token}`,
  '/index.html',
  '/assets/',
  '/%E0%A4%A',
  '/%',
  '/%%',
  '/%zz',
  '/%00',
  '/a%00b',
  '/%C0%AE%C0%AE/%C0%AE%C0%AE/etc/passwd',
  '/..%2f..%2fpackage.json',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/../../etc/passwd',
  'http://[::1',
  'http://[::1]:80/',
  `http://127.0.0.1:${port}/?token=${token}`,
  'http://evil.example/',
  'http://%zz/',
  'https://',
  '*',
  `127.0.0.1:${port}`,
  '//evil.example/x',
  '/\\evil.example\\x',
  `/?token=%E0%A4%A`,
  '/?%',
  '/#frag',
  '/' + 'a'.repeat(9000),
  '/' + '%'.repeat(600),
  '/\xc3\xa9',
  '/\xff\xfe',
  '/api',
  `/api?token=${token}`,
  `/api?token=%E0%A4%A`,
  '',
]
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'CONNECT', 'PRI', 'get']
const versions = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1x', 'http/1.1', '', 'HTTP/11']
const eols = ['\r\n', '\r\n', '\r\n', '\n', '\r', '\r\r\n']
const hosts = (): (string | null)[] => [
  `127.0.0.1:${port}`,
  `localhost:${port}`,
  null,
  'evil.example',
  '[::1',
  `[::1]:${port}`,
  `127.0.0.1:${port}:9`,
  '',
  'h'.repeat(12_000),
  `127.0.0.1:${port}\x00x`,
]
const extraHeaders = (): string[][] => [
  [],
  [`Origin: http://127.0.0.1:${port}`],
  ['Origin: null'],
  ['Origin: http://evil.example'],
  ['Origin: %E0%A4%A'],
  ['Origin: ' + 'o'.repeat(15_000)],
  ['Content-Length: abc'],
  ['Content-Length: -1'],
  ['Content-Length: 99999999999999999999'],
  ['Content-Length: 5', 'Content-Length: 6'],
  ['Transfer-Encoding: chunked'],
  ['Transfer-Encoding: chunked', 'Content-Length: 3'],
  ['Bad Name: x'],
  ['Name\x01: y'],
  [': novalue'],
  ['X: \x00\x7f\xff'],
  ['X: a', ' folded continuation'],
  ['X-Big: ' + 'b'.repeat(70_000)],
  Array.from({ length: 300 }, (_, i) => `X-${i}: ${i}`),
  ['Expect: 100-continue'],
  ['Expect: weird'],
  ['Connection: Upgrade', 'Upgrade: h2c'],
  ['Connection: Upgrade', 'Upgrade: websocket'],
  [`X-${bytes(8)}: ${bytes(16)}`],
]

function httpCase(): { label: string; pieces: Buffer[] } {
  const method = rng.next() < 0.1 ? bytes(rng.int(12)) : rng.pick(methods)
  const target = rng.next() < 0.08 ? '/' + bytes(rng.int(40)) : rng.pick(targets())
  const version = rng.pick(versions)
  const eol = rng.pick(eols)
  const host = rng.pick(hosts())
  const headers = [...(host === null ? [] : [`Host: ${host}`]), ...rng.pick(extraHeaders())]
  let text = `${method} ${target}${version ? ' ' + version : ''}${eol}${headers.map((h) => h + eol).join('')}${eol}`
  if (headers.includes('Transfer-Encoding: chunked')) text += rng.pick(['zz\r\n', '5\r\nab\r\n', '0\r\n\r\n'])
  if (rng.next() < 0.05) text = bytes(rng.int(200)) // pure noise
  const raw = Buffer.from(text, 'latin1')
  // Sometimes in pieces, cut anywhere (even inside a header).
  const cut = rng.next() < 0.3 ? rng.int(raw.length) : raw.length
  return {
    label: `http ${JSON.stringify(text.slice(0, 120))}`,
    pieces: [raw.subarray(0, cut), raw.subarray(cut)].filter((p) => p.length > 0),
  }
}

function upgradeCase(): { label: string; pieces: Buffer[] } {
  const target = rng.pick([
    `/api?token=${token}`,
    '/api',
    '/api?token=bad',
    `/apix?token=${token}`,
    '/%E0%A4%A',
    'http://[::1',
    `http://127.0.0.1:${port}/api?token=${token}`,
    `/api?token=${token}&token=x`,
  ])
  const headers: Record<string, string> = {}
  const key = rng.pick([undefined, '', 'short', '!!!!!!!!!!!!!!!!!!!!!!==', 'k'.repeat(5000), bytes(24)])
  if (key !== undefined) headers['Sec-WebSocket-Key'] = key
  const version = rng.pick([undefined, '13', '8', '99', 'x', '13, 8', ''])
  if (version !== undefined) headers['Sec-WebSocket-Version'] = version
  if (rng.next() < 0.3) headers['Upgrade'] = rng.pick(['WebSocket', 'h2c', 'websocket\x00', ''])
  if (rng.next() < 0.3)
    headers['Origin'] = rng.pick([
      'http://evil.example',
      'null',
      'o'.repeat(14_000),
      `http://localhost:${port}`,
    ])
  if (rng.next() < 0.2) headers['Host'] = rng.pick(['evil.example', '[::1', ''])
  if (rng.next() < 0.2) headers['Sec-WebSocket-Extensions'] = rng.pick(['permessage-deflate; x=', bytes(30)])
  let raw = upgradeRequest(port, target, headers)
  // Some carry frames (valid or not) right behind the handshake, in the same packet.
  if (rng.next() < 0.3) raw = Buffer.concat([raw, ...wsFrames().frames])
  if (key === undefined) {
    const text = raw.toString('latin1').replace(/Sec-WebSocket-Key: [^\r]*\r\n/, '')
    raw = Buffer.from(text, 'latin1')
  }
  return { label: `upgrade ${JSON.stringify(raw.toString('latin1').slice(0, 160))}`, pieces: [raw] }
}

const invalidUtf8 = [
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xff]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
]

function wsFrames(): { label: string; frames: Buffer[] } {
  const specs: FrameSpec[] = []
  const n = 1 + rng.int(4)
  for (let i = 0; i < n; i++) {
    const kind = rng.int(14)
    const call = Buffer.from(JSON.stringify({ type: 'call', id: i, method: 'app.info', input: {} }))
    specs.push(
      [
        { opcode: rng.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: randomBytes(rng.int(20)) },
        { opcode: 1, rsv: 1 + rng.int(7), payload: call },
        { opcode: 1, masked: false, payload: call },
        { opcode: 2, length: 2n ** 63n + 5n },
        { opcode: 1, length: 2n ** 53n },
        { opcode: 1, length: 40 * 1024 * 1024 },
        { opcode: 1, payload: Buffer.concat([Buffer.from('{"type":"'), rng.pick(invalidUtf8)]) },
        { opcode: 0, payload: Buffer.from('orphan continuation') },
        { opcode: 1, fin: false, payload: Buffer.from('{"type":') },
        { opcode: 9, fin: false, payload: Buffer.from('fragmented ping') },
        { opcode: 9, payload: randomBytes(126) },
        {
          opcode: 8,
          payload: rng.pick([Buffer.from([3]), Buffer.from([0x03, 0xe7]), Buffer.from([0x13, 0x88])]),
        },
        { opcode: 8, payload: Buffer.concat([Buffer.from([0x03, 0xe8]), rng.pick(invalidUtf8)]) },
        { opcode: 1, payload: Buffer.from(rng.pick(['{this is not json', '[]', 'null', call.toString()])) },
      ][kind]!,
    )
  }
  const frames = specs.map(frame)
  // Sometimes only part of the last frame, or noise.
  if (rng.next() < 0.15)
    frames[frames.length - 1] = frames.at(-1)!.subarray(0, rng.int(frames.at(-1)!.length))
  if (rng.next() < 0.1) frames.push(randomBytes(1 + rng.int(64)))
  return {
    label: `frames ${specs.map((s) => `op${s.opcode}${s.rsv ? ' rsv' : ''}${s.masked === false ? ' unmasked' : ''}${s.length !== undefined ? ` len=${s.length}` : ''}`).join(', ')}`,
    frames,
  }
}

function alive(): boolean {
  return served.child.exitCode === null && served.child.signalCode === null
}

/** The server still answers: the page with its token, and a call over a normal WebSocket. */
async function stillServing(): Promise<void> {
  expect(alive(), 'stacklab serve is still running').toBe(true)
  const page = await fetch(served.url)
  expect(page.status).toBe(200)
  expect(await page.text()).toContain('<div id="root">')
  const reply = await wsCall(port, token, 'app.info', {})
  expect(reply.ok).toBe(true)
}

describe('the browser host under a fuzz of its HTTP and WebSocket front', () => {
  it('answers the known killers with 400 and keeps running', async () => {
    for (const target of ['/%E0%A4%A', 'http://[::1', `http://127.0.0.1:${port}/?token=${token}`]) {
      const get = await exchange(port, [
        Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, 'latin1'),
      ])
      expect(statusLine(get.response), target).toBe('HTTP/1.1 400 Bad Request')
      const up = await exchange(port, [upgradeRequest(port, target)])
      expect(statusLine(up.response), `upgrade ${target}`).toBe('HTTP/1.1 400 Bad Request')
    }
    // A malformed Host header is a 400 (a well-formed foreign one stays 421: see the integration test).
    for (const host of ['[::1', `127.0.0.1:${port}:9`, 'a b']) {
      const get = await exchange(port, [Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`)])
      expect(statusLine(get.response), host).toBe('HTTP/1.1 400 Bad Request')
      const up = await exchange(port, [upgradeRequest(port, `/api?token=${token}`, { Host: host })])
      expect(statusLine(up.response), `upgrade ${host}`).toBe('HTTP/1.1 400 Bad Request')
    }
    // Node's own parser refusals: no Host at all, headers past 16 KB.
    const noHost = await exchange(port, [Buffer.from('GET / HTTP/1.1\r\n\r\n')])
    expect(statusLine(noHost.response)).toBe('HTTP/1.1 400 Bad Request')
    const huge = await exchange(port, [
      Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX: ${'b'.repeat(70_000)}\r\n\r\n`),
    ])
    expect(statusLine(huge.response)).toBe('HTTP/1.1 431 Request Header Fields Too Large')
    await stillServing()
  })

  it(`survives ${CASES} malformed requests, upgrades and frames (seed ${SEED})`, async () => {
    let accepted = 0
    let sessions = 0
    const answered = new Map<string, number>()
    for (let done = 0; done < CASES; done += BATCH) {
      const labels: string[] = []
      const jobs: (() => Promise<void>)[] = []
      for (let i = 0; i < BATCH; i++) {
        const r = rng.next()
        if (r < 0.5) {
          const c = httpCase()
          labels.push(c.label)
          jobs.push(async () => {
            const status = statusLine((await exchange(port, c.pieces)).response).slice(9, 12) || 'none'
            answered.set(status, (answered.get(status) ?? 0) + 1)
          })
        } else if (r < 0.75) {
          const c = upgradeCase()
          labels.push(c.label)
          jobs.push(async () => {
            const status = statusLine((await exchange(port, c.pieces)).response).slice(9, 12) || 'none'
            answered.set(status, (answered.get(status) ?? 0) + 1)
          })
        } else {
          const c = wsFrames()
          labels.push(c.label)
          jobs.push(async () => {
            sessions++
            if ((await wsSession(port, token, c.frames)).accepted) accepted++
          })
        }
      }
      for (let at = 0; at < jobs.length; at += PARALLEL)
        await Promise.all(jobs.slice(at, at + PARALLEL).map((job) => job()))
      // Name the batch that did it, should the server be gone.
      expect(alive(), `stacklab serve died during cases ${done}-${done + BATCH}:\n${labels.join('\n')}`).toBe(
        true,
      )
      await stillServing()
    }
    // The fuzz reached what it meant to: every authenticated handshake before the frames was accepted, and
    // the server answered the malformed requests with refusals (400, 404, 405, 421...), not silence.
    expect(sessions).toBeGreaterThan(CASES / 5)
    expect(accepted).toBe(sessions)
    expect(answered.get('400')).toBeGreaterThan(CASES / 10)
    expect(answered.get('500') ?? 0).toBe(0)
  }, 120_000)

  it('survives a flood of connections that uses up its file descriptors', async () => {
    const low = tempDir('stacklab-fds-')
    const limited = await serveWithSettings(low.dir, SETTINGS, { maxOpenFiles: 128 })
    const url = new URL(limited.url)
    const lport = Number(url.port)
    const ltoken = url.searchParams.get('token')!
    const sockets: Socket[] = []
    try {
      // An authenticated client connected before the flood.
      const ws = new WebSocket(`ws://127.0.0.1:${lport}/api?token=${ltoken}`)
      await new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
      })
      const replies = new Map<number, { ok: boolean }>()
      const replied = new Map<number, () => void>()
      ws.on('message', (d) => {
        const m = JSON.parse((d as Buffer).toString()) as { id: number; ok: boolean }
        replies.set(m.id, m)
        replied.get(m.id)?.()
      })
      const call = (id: number, method: string) =>
        new Promise<{ ok: boolean } | 'closed'>((resolve) => {
          replied.set(id, () => resolve(replies.get(id)!))
          ws.once('close', () => resolve('closed'))
          ws.send(JSON.stringify({ type: 'call', id, method, input: {} }))
        })
      // More connections than it has descriptors: once they are used up it closes the ones it cannot take.
      let turnedAway!: () => void
      const full = new Promise<void>((resolve) => (turnedAway = resolve))
      for (let i = 0; i < 400; i++) {
        const s = connect(lport, '127.0.0.1')
        s.on('error', () => {})
        s.once('close', () => turnedAway())
        sockets.push(s)
      }
      await full
      // Work that starts processes (virsh and the other preflight tools) while no descriptor is free: it may
      // fail, but it is answered, and the process lives.
      const answer = await call(1, 'preflight.run')
      expect(answer).not.toBe('closed')
      for (const s of sockets) s.destroy()
      expect((await call(2, 'app.info')) as { ok: boolean }).toMatchObject({ ok: true })
      ws.close()
      expect(limited.child.exitCode).toBeNull()
      expect((await fetch(limited.url)).status).toBe(200)
    } finally {
      for (const s of sockets) s.destroy()
      await limited.stop()
      low.cleanup()
    }
  })

  it('stops on SIGTERM while strangers hold connections open', async () => {
    const held = tempDir('stacklab-held-')
    const serve = await serveWithSettings(held.dir, SETTINGS)
    const port = Number(new URL(serve.url).port)
    const sockets: Socket[] = []
    let trickle: NodeJS.Timeout | undefined
    try {
      // One connection that never sends anything, one that sends a header byte a second, forever.
      for (let i = 0; i < 2; i++) {
        const s = connect(port, '127.0.0.1')
        s.on('error', () => {})
        await new Promise((resolve) => s.once('connect', resolve))
        sockets.push(s)
      }
      sockets[1]!.write(`GET /assets/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `)
      trickle = setInterval(() => sockets[1]!.write('a'), 1000)
      expect((await fetch(serve.url)).status).toBe(200)
      const exited = new Promise<number | null>((resolve) => serve.child.once('exit', resolve))
      serve.child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      clearInterval(trickle)
      for (const s of sockets) s.destroy()
      await serve.stop()
      held.cleanup()
    }
  })
})
