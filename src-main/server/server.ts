// The browser host: serves the built renderer and LabApi over a WebSocket, on 127.0.0.1 only, to whoever
// holds the random token in the URL it prints. Host and Origin are checked too (DNS rebinding, other sites).
// Any web page can make a browser send requests here, so no request may stop the process: bad input is
// answered 400, the unexpected 500 (and logged), and refusals are logged clipped and rate-limited.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join, normalize, sep } from 'node:path'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket, type RawData } from 'ws'
import { contentType } from './content-type'
import { ClientMessage, MAX_INPUT_BYTES, isEventName, type ServerMessage } from '../../src-shared/api'
import { ApiError, issuesOf } from '../../src-shared/errors'
import type { Engine } from '../engine/engine'
import { clip, rateLimited } from '../engine/log'

export interface BrowserHost {
  url: string
  port: number
  close(): Promise<void>
}

export interface BrowserHostOptions {
  engine: Engine
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  /** For tests; normally a fresh random token. */
  token?: string
}

/** Messages beyond this are cut off by ws itself (close 1009); between the API limit and this, answered. */
export const WS_MAX_PAYLOAD = 2 * MAX_INPUT_BYTES + 4096

/** Longest piece of a request (a header, a path) written to the log. */
const LOGGED_CHARS = 200

/**
 * The path (percent-decoded) and query of a request target, or null when it is not one this server answers:
 * only origin-form (`/path?query`), never absolute-form (`http://host/...`), authority-form or `*`, and no
 * malformed percent-encoding or NUL.
 */
export function requestTarget(raw: string | undefined): { path: string; params: URLSearchParams } | null {
  if (!raw || !raw.startsWith('/')) return null
  let url: URL
  try {
    url = new URL(raw, 'http://127.0.0.1')
  } catch {
    return null
  }
  // `//evil/x` or `/\evil/x` parse as another host's URL.
  if (url.host !== '127.0.0.1') return null
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  if (path.includes('\0')) return null
  return { path, params: url.searchParams }
}

/** A Host header that is a host name or address with an optional port; anything else is malformed (400). */
export function hostWellFormed(host: string | undefined): boolean {
  return (
    host !== undefined &&
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/.test(host)
  )
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { engine } = options
  const token = options.token ?? randomBytes(24).toString('base64url')
  const logger = engine.logger
  let port = 0

  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`]
  const hostOk = (req: IncomingMessage) => allowedHosts().includes(req.headers.host ?? '')
  const originOk = (req: IncomingMessage) => {
    const origin = req.headers.origin
    // Non-browser clients send no Origin; browsers always do on WebSocket upgrades.
    return origin === undefined || allowedHosts().some((h) => origin === `http://${h}`)
  }
  const csp = () =>
    [
      "default-src 'self'",
      "script-src 'self'",
      // xterm.js (the consoles) adds <style> elements for its theme and cell sizes at run time.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ')

  const send = (
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    type = 'text/plain; charset=utf-8',
  ) => {
    res.writeHead(status, {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
      ...(type.startsWith('text/html') ? { 'Content-Security-Policy': csp() } : {}),
    })
    res.end(body)
  }

  // Refusals are what a stranger can cause at will: at most 20 log entries a minute of each kind.
  const refused = rateLimited(logger, { what: 'refused requests' })
  /** An answer on a raw socket (before or instead of an upgrade), then the socket closed. */
  const refuse = (socket: Duplex, status: string) => {
    if (!socket.writable) return socket.destroy()
    socket.once('finish', () => socket.destroy())
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }
  /** An unexpected failure, logged; the logging itself must not become a second one. */
  const failed = (msg: string, fields: Record<string, unknown>) => {
    try {
      refused('internal', 'error', msg, fields)
    } catch {
      // nothing more to do: the answer (500) still goes out
    }
  }
  const sendSafely = (res: ServerResponse, status: number, body: string) => {
    if (res.headersSent) res.destroy()
    else send(res, status, body)
  }

  const serveRequest = async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostWellFormed(req.headers.host)) {
      refused('bad-request', 'warn', 'browser host: refused a malformed Host header', {
        host: clip(req.headers.host ?? '', LOGGED_CHARS),
      })
      return send(res, 400, 'Bad request: malformed Host header\n')
    }
    if (!hostOk(req)) return send(res, 421, 'Misdirected request: use the URL printed by stacklab serve\n')
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed\n')
    const target = requestTarget(req.url)
    if (!target) {
      refused('bad-request', 'warn', 'browser host: refused a malformed request target', {
        target: clip(req.url ?? '', LOGGED_CHARS),
      })
      return send(res, 400, 'Bad request\n')
    }
    let path = target.path
    if (path === '/' || path === '/index.html') {
      if (!sameToken(target.params.get('token'), token)) {
        refused('page-token', 'warn', 'browser host: page request without a valid token')
        return send(res, 401, 'Stacklab: this address needs the token that `stacklab serve` printed.\n')
      }
      path = '/index.html'
    }
    const file = normalize(join(options.rendererDir, path))
    if (!file.startsWith(options.rendererDir + sep)) return send(res, 404, 'Not found\n')
    let body: Buffer
    try {
      const info = await stat(file)
      if (!info.isFile()) return send(res, 404, 'Not found\n')
      body = await readFile(file)
    } catch {
      return send(res, 404, 'Not found\n')
    }
    send(res, 200, body, contentType(file))
  }

  const server = createServer((req, res) => {
    serveRequest(req, res).catch((error: unknown) => {
      failed('browser host: request failed', {
        target: clip(req.url ?? '', LOGGED_CHARS),
        error: clip(String(error), LOGGED_CHARS * 5),
      })
      try {
        sendSafely(res, 500, 'Internal error\n')
      } catch {
        res.destroy()
      }
    })
  })

  // What Node's parser refuses (bad request lines, header syntax, oversized headers) never reaches a handler.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Only a socket that has not answered anything yet gets a status line (not in the middle of a response);
    // a peer that went away (or keeps writing after the answer) is not worth a log line.
    if (error.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten > 0) return socket.destroy()
    try {
      refused('malformed', 'warn', 'browser host: refused a malformed request', { code: error.code })
    } catch {
      // the answer still goes out
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request'
    refuse(socket, status)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD })

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = requestTarget(req.url)
    if (!target) {
      refused('bad-request', 'warn', 'browser host: refused a malformed WebSocket target', {
        target: clip(req.url ?? '', LOGGED_CHARS),
      })
      return refuse(socket, '400 Bad Request')
    }
    if (target.path !== '/api') return refuse(socket, '404 Not Found')
    if (!hostWellFormed(req.headers.host)) {
      refused('bad-request', 'warn', 'browser host: refused a malformed Host header', {
        host: clip(req.headers.host ?? '', LOGGED_CHARS),
      })
      return refuse(socket, '400 Bad Request')
    }
    if (!hostOk(req) || !originOk(req)) {
      refused('ws-origin', 'warn', 'browser host: refused a WebSocket from a foreign host or origin', {
        host: clip(req.headers.host ?? '', LOGGED_CHARS),
        origin: clip(req.headers.origin ?? '', LOGGED_CHARS),
      })
      return refuse(socket, '403 Forbidden')
    }
    if (!sameToken(target.params.get('token'), token)) {
      refused('ws-token', 'warn', 'browser host: refused a WebSocket without a valid token')
      return refuse(socket, '401 Unauthorized')
    }
    // ws answers a bad handshake (key, version) with 400 itself.
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The upgraded socket has no error listener of Node's any more: a peer's reset must not be uncaught.
    socket.on('error', () => socket.destroy())
    try {
      upgrade(req, socket, head)
    } catch (error) {
      failed('browser host: upgrade failed', {
        target: clip(req.url ?? '', LOGGED_CHARS),
        error: clip(String(error), LOGGED_CHARS * 5),
      })
      // Past the handshake the socket speaks WebSocket: no HTTP answer then, just the end.
      if ((socket as Socket).bytesWritten > 0) socket.destroy()
      else refuse(socket, '500 Internal Server Error')
    }
  })

  const subscriptions = new Map<WebSocket, Set<string>>()
  const unsubscribe = engine.bus.onAny((event, payload) => {
    const message = JSON.stringify({ type: 'event', event, payload } satisfies ServerMessage)
    for (const [ws, events] of subscriptions)
      if (events.has(event) && ws.readyState === ws.OPEN) ws.send(message)
  })

  wss.on('connection', (ws: WebSocket) => {
    subscriptions.set(ws, new Set())
    const reply = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
    }
    const fail = (id: number | null, error: ApiError) =>
      reply({ type: 'result', id, ok: false, error: error.toJSON() })
    // Malformed frames (bad opcodes, reserved bits, invalid UTF-8...): ws closes the socket and says why here.
    ws.on('error', (error) =>
      refused('ws-error', 'warn', 'browser host: websocket error', {
        error: clip(error.message, LOGGED_CHARS),
      }),
    )
    ws.on('close', () => subscriptions.delete(ws))
    ws.on('message', (data: RawData, isBinary) => {
      try {
        onMessage(data, isBinary)
      } catch (error) {
        failed('browser host: message failed', {
          error: clip(String(error), LOGGED_CHARS * 5),
        })
        fail(null, new ApiError({ code: 'internal', message: 'The message could not be handled' }))
      }
    })
    const onMessage = (data: RawData, isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data)
      const size = bytes.byteLength
      if (isBinary)
        return fail(null, new ApiError({ code: 'bad-request', message: 'Binary messages are not accepted' }))
      if (size > MAX_INPUT_BYTES + 1024) {
        return fail(
          null,
          new ApiError({
            code: 'too-large',
            message: `Message is ${size} bytes; the limit is ${MAX_INPUT_BYTES} bytes`,
          }),
        )
      }
      let raw: unknown
      try {
        raw = JSON.parse(bytes.toString('utf8'))
      } catch {
        return fail(null, new ApiError({ code: 'bad-request', message: 'Message is not valid JSON' }))
      }
      const parsed = ClientMessage.safeParse(raw)
      if (!parsed.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null
        const issues = issuesOf(parsed.error)
        return fail(
          id,
          new ApiError({
            code: 'bad-request',
            message: `Malformed message: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
            issues,
          }),
        )
      }
      const message = parsed.data
      if (message.type === 'subscribe') {
        const unknown = message.events.filter((e) => !isEventName(e))
        if (unknown.length) {
          return fail(
            null,
            new ApiError({ code: 'bad-request', message: `Unknown events: ${unknown.join(', ')}` }),
          )
        }
        message.events.forEach((e) => subscriptions.get(ws)?.add(e))
        return
      }
      // Calls from here are the browser host's: the engine holds them to its stricter rules for paths and risks.
      engine.call(message.method, message.input, { origin: 'browser' }).then(
        (value) => reply({ type: 'result', id: message.id, ok: true, value }),
        (error: unknown) =>
          fail(
            message.id,
            error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) }),
          ),
      )
    }
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  // After listening, errors come from accepting connections (EMFILE when a flood of them uses up the
  // descriptors): logged, never fatal; the server accepts again once descriptors are free.
  server.on('error', (error: NodeJS.ErrnoException) =>
    refused('accept', 'error', 'browser host: could not accept a connection', { code: error.code }),
  )
  const address = server.address()
  port = typeof address === 'object' && address ? address.port : 0
  logger.log('info', 'browser host listening', { port })

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    close: async () => {
      refused.flush()
      unsubscribe()
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Connections that never finish a request (a stranger's, held open) must not keep the process up.
      server.closeAllConnections()
      await closed
    },
  }
}
