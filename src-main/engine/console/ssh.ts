// The SSH kind of console: an interactive shell with a pty on a lab node, over ssh2 with the host key pinned
// to the fingerprint Stacklab recorded (sshConnect refuses a mismatch) and keepalive, so a dead connection
// ends the session with a reason instead of hanging. The session can be started again (reconnect).
import type { ClientChannel } from 'ssh2'
import { sshConnect, type SshTarget } from '../ssh/client'
import type { ConsoleTransport, TransportFactory } from './session'

const PAUSED_BUFFER_BYTES = 64 * 1024

export function sshTransport(target: () => Promise<SshTarget>): TransportFactory {
  return async ({ cols, rows }, hooks) => {
    const client = await sshConnect(await target(), { readyTimeoutMs: 20_000 })
    let done = false
    const end = (code: number | null, reason: string) => {
      if (done) return
      done = true
      hooks.ended(code, reason)
      client.end()
    }
    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      client.shell({ term: 'xterm-256color', cols, rows }, (error, channel) =>
        error ? reject(error) : resolve(channel),
      )
    }).catch((error: unknown) => {
      client.end()
      throw error
    })
    // ssh2 buffers up to 2 MiB in a paused channel before it stops granting the server window; for a terminal
    // that is output the user must still wait through after Ctrl-C. A paused shell buffers far less.
    const state = (stream as unknown as { _readableState?: { highWaterMark: number } })._readableState
    if (state && typeof state.highWaterMark === 'number') state.highWaterMark = PAUSED_BUFFER_BYTES
    let exitCode: number | null = null
    let exitSignal: string | null = null
    stream.on('data', (bytes: Buffer) => hooks.output(bytes))
    stream.stderr.on('data', (bytes: Buffer) => hooks.output(bytes))
    stream.on('exit', (code: number | null, signal?: string) => {
      exitCode = typeof code === 'number' ? code : null
      exitSignal = signal ?? null
    })
    stream.on('close', () =>
      end(exitCode, exitSignal ? `the shell ended by signal ${exitSignal}` : 'the shell ended'),
    )
    client.on('error', (error) => end(null, `connection lost: ${error.message}`))
    client.on('close', () => end(null, 'connection closed'))
    const transport: ConsoleTransport = {
      write: (data) => void stream.write(data),
      resize: (c, r) => void stream.setWindow(r, c, 0, 0),
      pause: () => void stream.pause(),
      resume: () => void stream.resume(),
      close: () => {
        stream.close()
        client.end()
      },
    }
    return transport
  }
}
