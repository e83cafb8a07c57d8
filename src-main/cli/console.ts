// `stacklab console LAB NODE [--serial]`: this terminal attached to an engine console session, the same
// sessions the app's terminals use. Raw mode, the terminal's size (and SIGWINCH resizes), output written
// with flow control (acknowledged once the terminal has taken it), Ctrl-] detaches from a serial console.
import { AckBatcher, MAX_WRITE_CHARS, utf8Length } from '../../src-shared/console'
import { Engine } from '../engine/engine'

const DETACH = '\x1d' // Ctrl-]

/** Attach to `node` of `lab` (its serial console with `serial`) until the session ends; its exit status. */
export async function attachConsole(lab: string, node: string, serial: boolean): Promise<number> {
  const kind = serial ? 'serial' : 'ssh'
  const stdin = process.stdin
  const stdout = process.stdout
  const size = () => ({
    cols: Math.min(1000, Math.max(2, stdout.columns || 80)),
    rows: Math.min(500, Math.max(1, stdout.rows || 24)),
  })
  const engine = new Engine({ host: 'cli' })
  try {
    const info = await engine.api.call('console.open', { lab, node, kind, ...size() })
    const id = info.id
    process.stderr.write(
      `Connected to ${info.title}.${kind === 'serial' ? ' Press Ctrl-] to detach.' : ' Exit the shell to leave.'}\r\n`,
    )
    const acks = new AckBatcher((bytes) => void engine.api.call('console.ack', { id, bytes }).catch(() => {}))
    const send = (data: string) => {
      for (let at = 0; at < data.length; at += MAX_WRITE_CHARS)
        void engine.api
          .call('console.write', { id, data: data.slice(at, at + MAX_WRITE_CHARS) })
          .catch(() => {})
    }
    return await new Promise<number>((resolve) => {
      const raw = stdin.isTTY
      const finish = (code: number) => {
        acks.dispose()
        offData()
        offExit()
        stdout.off('resize', onResize)
        stdin.off('data', onInput)
        stdin.off('end', onEnd)
        if (raw) stdin.setRawMode(false)
        stdin.pause()
        resolve(code)
      }
      const offData = engine.on('console.data', (e) => {
        if (e.id !== id) return
        const bytes = utf8Length(e.data)
        stdout.write(e.data, () => acks.written(bytes))
      })
      const offExit = engine.on('console.exit', (e) => {
        if (e.id !== id) return
        // The last output is written before the terminal is given back.
        stdout.write('', () => {
          process.stderr.write(`\r\n[${info.title}: ${e.reason}]\r\n`)
          finish(typeof e.code === 'number' ? e.code : 0)
        })
      })
      const onResize = () => void engine.api.call('console.resize', { id, ...size() }).catch(() => {})
      const onInput = (data: string) => {
        const at = kind === 'serial' ? data.indexOf(DETACH) : -1
        if (at < 0) return send(data)
        if (at > 0) send(data.slice(0, at))
        process.stderr.write('\r\n[detached]\r\n')
        finish(0)
      }
      // Input ends (a script piped in): hang up as a terminal would, with end-of-file at the prompt.
      const onEnd = () => send('\x04')
      stdout.on('resize', onResize)
      if (raw) stdin.setRawMode(true)
      stdin.setEncoding('utf8')
      stdin.on('data', onInput)
      stdin.on('end', onEnd)
      stdin.resume()
    })
  } finally {
    await engine.close()
  }
}
