// The browser host over real HTTP and WebSocket: the token, Host and Origin checks, bad messages of every
// kind answered with clear errors, and the server still serving afterwards.
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import WebSocket from 'ws'
import { MAX_INPUT_BYTES } from '../../src-shared/api'
import { startBrowserHost, WS_MAX_PAYLOAD, type BrowserHost } from '../../src-main/server/server'
import { Engine } from '../../src-main/engine/engine'
import type { Logger } from '../../src-main/engine/log'
import { tempDir, tempPaths, testEngine } from '../helpers'

const { testUri } = inject('libvirt')
const TOKEN = 'test-token-0123456789abcdef'
let t: ReturnType<typeof tempDir>
let host: BrowserHost

beforeAll(async () => {
  t = tempDir()
  const engine = testEngine(t.dir, 'browser')
  await engine.api.call('settings.update', { connectionUri: testUri })
  host = await startBrowserHost({ engine, rendererDir: resolve('out/renderer'), token: TOKEN })
})
afterAll(async () => {
  await host.close()
  t.cleanup()
})

type Reply = {
  type: string
  id: number | null
  ok: boolean
  value?: unknown
  error?: { code: string; message: string; issues?: { path: string }[] }
  event?: string
  payload?: unknown
}

function open(query = `?token=${TOKEN}`, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolveOpen, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api${query}`, { headers })
    ws.once('open', () => resolveOpen(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

function next(ws: WebSocket, match: (m: Reply) => boolean = () => true): Promise<Reply> {
  return new Promise((res) => {
    const on = (data: WebSocket.RawData) => {
      const m = JSON.parse((data as Buffer).toString()) as Reply
      if (match(m)) {
        ws.off('message', on)
        res(m)
      }
    }
    ws.on('message', on)
  })
}

async function call(ws: WebSocket, id: number, method: string, input: unknown): Promise<Reply> {
  const reply = next(ws, (m) => m.type === 'result' && m.id === id)
  ws.send(JSON.stringify({ type: 'call', id, method, input }))
  return reply
}

describe('page and assets', () => {
  it('serves the app only with the token, with a strict CSP', async () => {
    const without = await fetch(`http://127.0.0.1:${host.port}/`)
    expect(without.status).toBe(401)
    const wrong = await fetch(`http://127.0.0.1:${host.port}/?token=nope`)
    expect(wrong.status).toBe(401)
    const page = await fetch(host.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'/)
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(await page.text()).toContain('<div id="root">')
  })

  it('listens on loopback only and refuses foreign Host headers (DNS rebinding)', async () => {
    expect(host.url.startsWith('http://127.0.0.1:')).toBe(true)
    const { request } = await import('node:http')
    const status = await new Promise<number>((res) => {
      request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: `/?token=${TOKEN}`,
          headers: { Host: 'evil.example:80' },
        },
        (r) => res(r.statusCode ?? 0),
      ).end()
    })
    expect(status).toBe(421)
  })

  it('does not serve files outside the renderer', async () => {
    const r = await fetch(`http://127.0.0.1:${host.port}/..%2f..%2fpackage.json`)
    expect(r.status).toBe(404)
  })
})

describe('the API socket', () => {
  it('refuses a connection without the token, or from another origin', async () => {
    await expect(open('')).rejects.toThrow('HTTP 401')
    await expect(open('?token=wrong')).rejects.toThrow('HTTP 401')
    await expect(open(`?token=${TOKEN}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
  })

  it('answers calls and streams subscribed events', async () => {
    const ws = await open(`?token=${TOKEN}`, { Origin: `http://127.0.0.1:${host.port}` })
    ws.send(JSON.stringify({ type: 'subscribe', events: ['preflight.check', 'preflight.finished'] }))
    const checks: string[] = []
    ws.on('message', (d) => {
      const m = JSON.parse((d as Buffer).toString()) as Reply
      if (m.event === 'preflight.check') checks.push((m.payload as { check: { id: string } }).check.id)
    })
    const finished = next(ws, (m) => m.event === 'preflight.finished')
    const reply = await call(ws, 1, 'preflight.run', {})
    expect(reply.ok).toBe(true)
    expect((reply.value as { uri: string }).uri).toBe(testUri)
    await finished
    expect(checks).toHaveLength(10)
    ws.close()
  })

  it('answers bad input with clear errors and keeps the connection', async () => {
    const ws = await open()
    expect((await call(ws, 1, 'no.such.call', {})).error?.code).toBe('unknown-method')
    const bad = await call(ws, 2, 'settings.update', { imagesDir: 42 })
    expect(bad.error?.code).toBe('bad-request')
    expect(bad.error?.issues?.[0]?.path).toBe('imagesDir')

    const notJson = next(ws)
    ws.send('{this is not json')
    expect((await notJson).error).toMatchObject({ code: 'bad-request', message: 'Message is not valid JSON' })

    const malformed = next(ws)
    ws.send(JSON.stringify({ type: 'call', id: 'x', method: 1 }))
    expect((await malformed).error?.code).toBe('bad-request')

    const unknownEvent = next(ws)
    ws.send(JSON.stringify({ type: 'subscribe', events: ['nope'] }))
    expect((await unknownEvent).error?.message).toContain('Unknown events: nope')

    const big = next(ws)
    ws.send(
      JSON.stringify({
        type: 'call',
        id: 9,
        method: 'settings.update',
        input: { imagesDir: '/' + 'a'.repeat(MAX_INPUT_BYTES + 2048) },
      }),
    )
    expect((await big).error?.code).toBe('too-large')

    expect((await call(ws, 10, 'app.info', {})).ok).toBe(true)
    ws.close()
  })

  it('closes a connection that sends more than the hard limit, and keeps serving others', async () => {
    const ws = await open()
    const closed = new Promise<number>((res) => ws.once('close', (code) => res(code)))
    ws.send('x'.repeat(WS_MAX_PAYLOAD + 1))
    expect(await closed).toBe(1009)
    const again = await open()
    expect((await call(again, 1, 'app.info', {})).ok).toBe(true)
    again.close()
  })
})

describe('an unexpected failure inside a handler', () => {
  it('is answered 500 and logged, and the host keeps serving', async () => {
    // A logger that fails on the first token refusal it is given: the handler throws where no input could
    // make it throw, and the host must still answer (the page with 500, the upgrade with 500).
    const entries: { msg: string; fields?: Record<string, unknown> }[] = []
    const logger: Logger = {
      file: null,
      log(_level, msg, fields) {
        if (msg.includes('without a valid token')) throw new Error(`disk on fire (${msg})`)
        entries.push(fields ? { msg, fields } : { msg })
      },
    }
    const dir = tempDir()
    const paths = tempPaths(dir.dir)
    const engine = new Engine({ host: 'browser', paths, logger })
    const broken = await startBrowserHost({ engine, rendererDir: resolve('out/renderer'), token: TOKEN })
    try {
      expect((await fetch(`http://127.0.0.1:${broken.port}/`)).status).toBe(500)
      const upgrade = new Promise<number>((res, rej) => {
        const ws = new WebSocket(`ws://127.0.0.1:${broken.port}/api`)
        ws.once('unexpected-response', (_req, r) => res(r.statusCode ?? 0))
        ws.once('open', () => rej(new Error('opened')))
      })
      expect(await upgrade).toBe(500)
      const failures = entries.filter((e) => e.msg.endsWith('failed'))
      expect(failures.map((e) => e.msg)).toEqual([
        'browser host: request failed',
        'browser host: upgrade failed',
      ])
      expect(String(failures[0]!.fields!['error'])).toContain('disk on fire')
      // Still serving.
      expect((await fetch(`http://127.0.0.1:${broken.port}/?token=${TOKEN}`)).status).toBe(200)
    } finally {
      await broken.close()
      dir.cleanup()
    }
  })
})
