// Raw TCP to the browser host, for the attacks a well-behaved client library would never send: whatever bytes
// the test wants, the server's answer as bytes, and WebSocket frames built by hand (any opcode, reserved bits,
// mask or length field).
import { createHash, randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import WebSocket from 'ws'

export interface Exchange {
  /** Everything the server sent before it closed (or before the test gave up). */
  response: Buffer
  /** Who ended it: the server closing, the safety timeout (it kept the socket open), or no server there. */
  end: 'closed' | 'timeout' | 'refused'
}

const refused: Exchange = { response: Buffer.alloc(0), end: 'refused' }

/** A connected socket, or null when nothing listens (the server is gone: the test says so, not this). */
function connected(port: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.on('error', () => resolve(null)) // after connecting: a reset is an answer too
  })
}

/** Collect what the socket receives until it closes; the timeout only stops a hang. */
function drain(socket: Socket, timeoutMs: number, got: Buffer[] = []): Promise<Exchange> {
  return new Promise((resolve) => {
    socket.on('data', (d: Buffer) => got.push(d))
    const timer = setTimeout(() => {
      socket.destroy()
      resolve({ response: Buffer.concat(got), end: 'timeout' })
    }, timeoutMs)
    socket.once('close', () => {
      clearTimeout(timer)
      resolve({ response: Buffer.concat(got), end: 'closed' })
    })
  })
}

/** Send `bytes` (in the pieces given), close our side, and take what comes back. */
export async function exchange(port: number, pieces: Buffer[], timeoutMs = 5000): Promise<Exchange> {
  const socket = await connected(port)
  if (!socket) return refused
  const done = drain(socket, timeoutMs)
  for (const piece of pieces) socket.write(piece)
  socket.end()
  return done
}

/** The first line of an HTTP answer, e.g. `HTTP/1.1 400 Bad Request`. */
export const statusLine = (response: Buffer): string => response.toString('latin1').split('\r\n')[0] ?? ''

export function upgradeRequest(
  port: number,
  target: string,
  headers: Record<string, string> = {},
  key = randomBytes(16).toString('base64'),
): Buffer {
  const all: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': key,
    ...headers,
  }
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`)
  return Buffer.from(`GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`, 'latin1')
}

export interface FrameSpec {
  fin?: boolean
  rsv?: number // 0-7
  opcode: number // 0-15
  masked?: boolean
  payload?: Buffer
  /** A length field that lies about the payload (127-form takes a bigint). */
  length?: number | bigint
}

/** One WebSocket frame, built bit by bit as RFC 6455 lays it out (whether or not it is valid). */
export function frame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0)
  const masked = spec.masked ?? true
  const declared = spec.length ?? payload.length
  const head = [((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f)]
  const maskBit = masked ? 0x80 : 0
  let ext = Buffer.alloc(0)
  if (typeof declared === 'bigint' || declared > 0xffff) {
    head.push(maskBit | 127)
    ext = Buffer.alloc(8)
    ext.writeBigUInt64BE(BigInt(declared))
  } else if (declared > 125) {
    head.push(maskBit | 126)
    ext = Buffer.alloc(2)
    ext.writeUInt16BE(declared)
  } else head.push(maskBit | declared)
  if (!masked) return Buffer.concat([Buffer.from(head), ext, payload])
  const mask = randomBytes(4)
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))
  return Buffer.concat([Buffer.from(head), ext, mask, body])
}

/**
 * A WebSocket opened by hand with the token: the server's 101 is awaited, then `frames` are written and our
 * side closed. Resolves with whether the handshake was accepted and what came back after it.
 */
export async function wsSession(
  port: number,
  token: string,
  frames: Buffer[],
  timeoutMs = 5000,
): Promise<{ accepted: boolean; after: Exchange }> {
  const socket = await connected(port)
  if (!socket) return { accepted: false, after: refused }
  const key = randomBytes(16).toString('base64')
  const got: Buffer[] = []
  const accepted = await new Promise<boolean>((resolve) => {
    const onData = (d: Buffer) => {
      got.push(d)
      const text = Buffer.concat(got).toString('latin1')
      if (!text.includes('\r\n\r\n')) return
      socket.off('data', onData)
      const expected = createHash('sha1')
        .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
        .digest('base64')
      resolve(text.startsWith('HTTP/1.1 101') && text.includes(`Sec-WebSocket-Accept: ${expected}`))
    }
    socket.on('data', onData)
    socket.once('close', () => resolve(false))
    socket.write(upgradeRequest(port, `/api?token=${token}`, {}, key))
  })
  const rest = Buffer.concat(got)
  const after = drain(socket, timeoutMs, [rest.subarray(rest.indexOf('\r\n\r\n') + 4)])
  for (const f of frames) socket.write(f)
  socket.end()
  return { accepted, after: await after }
}

/** One call over a normal WebSocket client; resolves with the reply. */
export async function wsCall(
  port: number,
  token: string,
  method: string,
  input: unknown,
): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`)
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    return await new Promise((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse((d as Buffer).toString()) as { type: string; id: number; ok: boolean }
        if (m.type === 'result' && m.id === 1) resolve(m)
      })
      ws.send(JSON.stringify({ type: 'call', id: 1, method, input }))
    })
  } finally {
    ws.close()
  }
}

/** A small seeded PRNG (mulberry32): the same cases on every run. */
export function seeded(seed: number): {
  next(): number
  int(n: number): number
  pick<T>(xs: readonly T[]): T
} {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  return { next, int, pick: (xs) => xs[int(xs.length)]! }
}
