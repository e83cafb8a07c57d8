// Browser tests' side door to the page's own engine: calls over the same WebSocket API the page uses
// (to set up settings and read back what the engine holds), and virsh on the test driver.
import { execFileSync } from 'node:child_process'
import WebSocket from 'ws'
import type { CallInput, CallName, CallOutput } from '../../src-shared/api'

export const url = (): string => process.env['STACKLAB_URL']!
export const testUri = (): string => process.env['STACKLAB_TEST_URI']!

export const virsh = (...args: string[]): string =>
  execFileSync('virsh', ['-c', testUri(), ...args], { encoding: 'utf8' })

/** Call the page's engine once, over its WebSocket API. Rejects with the engine's error message. */
export async function engineCall<M extends CallName>(method: M, input: CallInput<M>): Promise<CallOutput<M>> {
  const ws = new WebSocket(url().replace('http://', 'ws://').replace('/?token=', '/api?token='))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  try {
    return await new Promise<CallOutput<M>>((resolve, reject) => {
      ws.on('message', (d) => {
        const m = JSON.parse((d as Buffer).toString()) as {
          type: string
          id: number
          ok: boolean
          value: unknown
          error?: { message: string }
        }
        if (m.type !== 'result' || m.id !== 1) return
        if (m.ok) resolve(m.value as CallOutput<M>)
        else reject(new Error(m.error?.message ?? 'engine error'))
      })
      ws.send(JSON.stringify({ type: 'call', id: 1, method, input }))
    })
  } finally {
    ws.close()
  }
}
