// Shared by the security tests: a planted program that leaves a marker if anything starts it, and one call
// over the browser host's WebSocket API as any page (or a stolen token) would make it.
import { chmodSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'

export interface Planted {
  /** An executable script: run by anyone, it creates `marker`. */
  script: string
  marker: string
  /** True when the script ran. */
  ran(): boolean
}

export function plantProgram(dir: string, name = 'evil'): Planted {
  const script = join(dir, `${name}.sh`)
  const marker = join(dir, `${name}.ran`)
  writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> '${marker}'\n`)
  chmodSync(script, 0o755)
  return { script, marker, ran: () => existsSync(marker) }
}

export type WsReply =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; issues?: { path: string; message: string }[] } }

/** The page's URL (with its token) to the WebSocket API's. */
export const apiUrl = (pageUrl: string) =>
  pageUrl.replace('http://', 'ws://').replace('/?token=', '/api?token=')

/** A WebSocket client of the browser host that sends calls one by one and returns the engine's replies. */
export async function openApi(pageUrl: string): Promise<{
  call(method: string, input: unknown): Promise<WsReply>
  /** Subscribe to `event`; resolves with the first payload that satisfies `until`. */
  waitFor(event: string, until: (payload: unknown) => boolean): Promise<unknown>
  close(): void
}> {
  const ws = new WebSocket(apiUrl(pageUrl))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  let next = 1
  const waiting = new Map<number, (r: WsReply) => void>()
  const watchers = new Set<{ event: string; until: (p: unknown) => boolean; resolve: (p: unknown) => void }>()
  ws.on('message', (data) => {
    const m = JSON.parse((data as Buffer).toString()) as {
      type: string
      id: number
      event?: string
      payload?: unknown
    } & WsReply
    if (m.type === 'event') {
      for (const w of watchers)
        if (w.event === m.event && w.until(m.payload)) {
          watchers.delete(w)
          w.resolve(m.payload)
        }
      return
    }
    if (m.type !== 'result') return
    waiting.get(m.id)?.(m)
    waiting.delete(m.id)
  })
  return {
    call(method, input) {
      const id = next++
      return new Promise<WsReply>((resolve) => {
        waiting.set(id, resolve)
        ws.send(JSON.stringify({ type: 'call', id, method, input }))
      })
    },
    waitFor(event, until) {
      const seen = new Promise<unknown>((resolve) => watchers.add({ event, until, resolve }))
      ws.send(JSON.stringify({ type: 'subscribe', events: [event] }))
      return seen
    },
    close: () => ws.close(),
  }
}
