// The serial kind of console: `virsh -c URI console DOMAIN --force` (libvirt/console.ts) on a pty. virsh
// refuses to run without a terminal, and node-pty is a native module Stacklab avoids, so a small Python relay
// (resources/pty-relay.py) gives it one; resizes travel to the relay on fd 3. The relay's stdout is paused
// for flow control.
import type { Logger } from '../log'
import { resourcePath } from '../resources'
import { startProcess } from '../exec'
import type { ConsoleTransport, TransportFactory } from './session'

const RELAY = 'pty-relay.py'

/** resources/pty-relay.py (see resourcePath for where it is looked for). */
export function relayPath(): string {
  return resourcePath(RELAY, `The console relay ${RELAY}`)
}

/** Any program on a pty through the relay (the serial console uses virsh; tests use others). */
export function ptyTransport(logger: Logger, argv: () => Promise<string[]>): TransportFactory {
  return async ({ cols, rows }, hooks) => {
    const program = await argv()
    const started = startProcess(
      logger,
      'python3',
      [relayPath(), '--cols', String(cols), '--rows', String(rows), '--', ...program],
      { extraPipes: 1, env: { TERM: 'xterm-256color' } },
    )
    const { child } = started
    const control = child.stdio[3] as NodeJS.WritableStream
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve)
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code === 'ENOENT'
              ? 'python3 is needed for serial consoles and was not found'
              : `could not start the console relay: ${error.message}`,
          ),
        ),
      )
    })
    child.stdout!.on('data', (bytes: Buffer) => hooks.output(bytes))
    child.stderr!.on('data', (bytes: Buffer) => hooks.output(bytes))
    for (const s of [child.stdin!, control]) s.on('error', () => {}) // the relay may be gone already
    child.once('close', (code, signal) =>
      hooks.ended(
        code,
        signal
          ? `the console ended by signal ${signal}`
          : `${program[0]} ended${code ? ` with exit status ${code}` : ''}`,
      ),
    )
    const transport: ConsoleTransport = {
      write: (data) => void child.stdin!.write(data),
      resize: (c, r) => void control.write(`${c} ${r}\n`),
      pause: () => void child.stdout!.pause(),
      resume: () => void child.stdout!.resume(),
      close: () => {
        child.stdin!.end() // the relay hangs up the program, as a closed terminal would
        const timer = setTimeout(() => started.signal('SIGKILL'), 3000)
        timer.unref()
        child.once('close', () => clearTimeout(timer))
      },
    }
    return transport
  }
}
