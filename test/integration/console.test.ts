// Consoles through the engine API, as a client uses them (calls and events only): an SSH shell on a lab node
// that is a real OpenSSH server (commands, resize, a 100 MB flood byte for byte under flow control with fast
// and slow acknowledgements, Ctrl-C during a flood, a host key mismatch), and the pty relay behind serial
// consoles (a real pty, resize, UTF-8 chunks, and `virsh console` against the libvirt test driver).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { CHUNK_BYTES, HIGH_WATERMARK, MAX_WRITE_CHARS } from '../../src-shared/console'
import { ApiError } from '../../src-shared/errors'
import type { CallName } from '../../src-shared/api'
import type { Engine } from '../../src-main/engine/engine'
import { sshConnect, sshExec } from '../../src-main/engine/ssh/client'
import { ConsoleProbe, markedHash } from '../harness/console-client'
import { consoleLabState, floodFile, startConsoleLab, type ConsoleLab } from '../harness/console-lab'
import { rejection, tempDir, tempPaths, testEngine, waitFor } from '../helpers'

let tmp: ReturnType<typeof tempDir>
let engine: Engine
let lab: ConsoleLab

beforeAll(async () => {
  tmp = tempDir('stacklab-console-')
  engine = testEngine(tmp.dir)
  lab = await startConsoleLab(tempPaths(tmp.dir).data)
})
afterAll(async () => {
  await engine?.close()
  await lab?.stop()
  tmp?.cleanup()
})

/** Pids of pty relays running `program`, read from /proc directly (pgrep once failed in CI with nothing to say
 * why). A process that ends during the scan is skipped. */
function relaysOf(program: string[]): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let argv: string[]
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
    } catch {
      continue
    }
    if (!argv.some((a) => a.endsWith('/pty-relay.py'))) continue
    const rest = argv.slice(argv.indexOf('--') + 1, argv.indexOf('--') + 1 + program.length)
    if (argv.includes('--') && rest.join('\0') === program.join('\0')) found.push(Number(entry))
  }
  return found
}

async function open(kind: 'ssh' | 'serial' = 'ssh', cols = 80, rows = 24, name = lab.lab) {
  return await engine.api.call('console.open', { lab: name, node: lab.node, kind, cols, rows })
}

describe('SSH console', () => {
  it('runs commands in a shell with a pty, and follows resizes', async () => {
    const info = await open('ssh', 80, 24)
    expect(info).toMatchObject({ state: 'open', kind: 'ssh', node: lab.node, cols: 80, rows: 24 })
    expect(info.title).toContain(lab.address)
    const c = new ConsoleProbe(engine, info.id)
    await c.write('echo ready_$((40+2))\n')
    await c.waitFor('ready_42')
    let from = c.text.length
    await c.write('stty size; tty\n')
    await c.waitFor(/24 80\r?\n\/dev\/pts\/\d+/, 15_000, from)
    await engine.api.call('console.resize', { id: info.id, cols: 132, rows: 40 })
    from = c.text.length
    await c.write('stty size\n')
    await c.waitFor(/40 132/, 15_000, from)
    expect(await engine.api.call('consoles.list', {})).toContainEqual(
      expect.objectContaining({ id: info.id, cols: 132, rows: 40, state: 'open' }),
    )
    from = c.text.length
    await c.write('exit 7\n')
    await c.waitUntil(() => c.exit !== null)
    expect(c.exit).toMatchObject({ code: 7 })
    // An exited session can be started again under the same id.
    const again = await engine.api.call('console.reconnect', { id: info.id })
    expect(again).toMatchObject({ id: info.id, state: 'open' })
    c.exit = null
    from = c.text.length
    await c.write('echo back_$((1+1))\n')
    await c.waitFor('back_2', 15_000, from)
    await engine.api.call('console.close', { id: info.id })
    c.dispose()
    await expect(engine.api.call('console.write', { id: info.id, data: 'x' })).rejects.toMatchObject({
      code: 'not-found',
    })
  })

  it('delivers a 100 MB flood byte for byte, acknowledged as it is written; Ctrl-C stops a flood', async () => {
    const file = join(lab.sshd.dir, 'flood.txt')
    const localSha = await floodFile(file, 75_000_000) // 100 MB of base64 lines
    const info = await open()
    const hashed = markedHash()
    const c = new ConsoleProbe(engine, info.id, { write: (d) => hashed.write(d) })
    await c.write('stty -echo -onlcr; echo ready_$((40+2))\n')
    await c.waitFor('ready_42')
    c.keep = false
    const started = performance.now()
    await c.write(`printf 'BEGIN_%s\\n' 42; cat ${file}; printf 'END_%s\\n' 42\n`)
    // Input typed during the flood still reaches the shell (it runs after the flood).
    await c.waitUntil(() => c.received > 20_000_000, 60_000)
    await c.write('echo typed_$((3*3))\n')
    const got = await Promise.race([
      hashed.result,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('flood timed out')), 150_000)),
    ])
    const seconds = (performance.now() - started) / 1000
    const remote = await sshConnect({
      host: lab.address,
      username: 'root',
      privateKey: readFileSync(lab.sshd.clientKey),
      fingerprint: lab.sshd.hostKeyFingerprint,
    })
    const remoteSha = (await sshExec(remote, `sha256sum ${file}`)).stdout.split(' ')[0]
    remote.end()
    expect(got.bytes).toBe(readFileSync(file).length)
    expect(got.sha).toBe(localSha)
    expect(got.sha).toBe(remoteSha)
    console.log(`flood: ${(got.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s`)
    // Flow control held: never more outstanding than the high watermark and one chunk.
    expect(c.maxOutstanding).toBeLessThanOrEqual(HIGH_WATERMARK + CHUNK_BYTES + 3)
    await c.waitUntil(() => hashed.rest().includes('typed_9'), 30_000)

    // An endless flood, then Ctrl-C: the flood stops and the shell answers again. The answer proves both:
    // the shell reads the next command only once base64 has ended, and after_5 (made by the shell, and
    // with a '_' that base64 never prints) cannot come from the flood. How soon it stops is a figure of
    // `npm run bench:console`, not a test.
    c.keep = false
    const before = c.received
    await c.write('base64 /dev/urandom\n')
    await c.waitUntil(() => c.received > before + 10_000_000, 60_000)
    const flooded = hashed.rest().length
    await c.write('\x03')
    await c.write('echo after_$((2+3))\n')
    await c.waitUntil(() => hashed.rest().includes('after_5', flooded), 60_000)
    c.keep = true
    await engine.api.call('console.close', { id: info.id })
    c.dispose()
  }, 300_000)

  it('pauses the source for a slow client and loses nothing', async () => {
    const file = join(lab.sshd.dir, 'slow.txt')
    const localSha = await floodFile(file, 6_000_000)
    const info = await open()
    const hashed = markedHash()
    // A terminal that writes nothing until the engine has paused the source (so the pause is certain, however
    // fast or slow this machine is; a run beside a busy lab once never filled the window), then a slow one:
    // each chunk takes 2 ms to "write", and acknowledgements travel 40 ms.
    let release = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const safety = setTimeout(release, 60_000)
    const c = new ConsoleProbe(engine, info.id, {
      ackDelayMs: 40,
      write: (d) => {
        hashed.write(d)
        return gate.then(() => new Promise((r) => setTimeout(r, 2)))
      },
    })
    await c.write('stty -echo -onlcr; echo ready_$((40+2))\n')
    await c.waitFor('ready_42')
    c.keep = false
    await c.write(`printf 'BEGIN_%s\\n' 42; cat ${file}; printf 'END_%s\\n' 42\n`)
    let sawPaused = false
    const poll = setInterval(() => {
      void engine.api.call('consoles.list', {}).then((l) => {
        if (l.some((s) => s.id === info.id && s.paused)) {
          sawPaused = true
          release()
        }
      })
    }, 20)
    const got = await hashed.result
    clearInterval(poll)
    clearTimeout(safety)
    expect(got.sha).toBe(localSha)
    expect(sawPaused).toBe(true)
    expect(c.maxOutstanding).toBeLessThanOrEqual(HIGH_WATERMARK + CHUNK_BYTES + 3)
    await engine.api.call('console.close', { id: info.id })
    c.dispose()
  }, 120_000)

  it('refuses a node whose host key is not the one recorded, and says why', async () => {
    const state = consoleLabState('conbad', lab.node, lab.address, '127.0.0.0/8', 'SHA256:' + 'A'.repeat(43))
    await lab.store.save(state)
    execFileSync('cp', ['-r', join(lab.store.dir(lab.lab), 'ssh'), lab.store.dir('conbad')])
    const error = await rejection(open('ssh', 80, 24, 'conbad'), ApiError)
    expect(error.code).toBe('permission')
    expect(error.failure).toEqual({
      code: 'ssh.host-key',
      params: { host: lab.address, expected: 'SHA256:' + 'A'.repeat(43), got: lab.sshd.hostKeyFingerprint },
    })
    expect(error.fix).toMatch(/build it again with Stacklab/)
    expect(error.message).toContain(lab.sshd.hostKeyFingerprint)
    expect(error.message).toMatch(/refused to connect/)
    expect(await engine.api.call('consoles.list', {})).toEqual([])
  })

  it('rejects bad input naming the field, before anything starts', async () => {
    // The raw gate: these inputs are malformed on purpose.
    const failure = async (method: CallName, input: unknown) => {
      const e = await rejection(engine.call(method, input), ApiError)
      return { code: e.code, message: e.message }
    }
    const open = { lab: lab.lab, node: lab.node, kind: 'ssh', cols: 80, rows: 24 }
    let e = await failure('console.open', { ...open, cols: 0 })
    expect(e.code).toBe('bad-request')
    expect(e.message).toMatch(/cols/)
    e = await failure('console.open', { ...open, rows: 100_000 })
    expect(e.message).toMatch(/rows/)
    e = await failure('console.open', { ...open, node: 'nope' })
    expect(e.code).toBe('not-found')
    expect(e.message).toMatch(/^node: lab conlab has no node nope/)
    e = await failure('console.open', { ...open, kind: 'telnet' })
    expect(e.code).toBe('bad-request')
    expect(e.message).toMatch(/kind/)
    e = await failure('console.write', {
      id: '00000000-0000-4000-8000-000000000000',
      data: 'x'.repeat(40_000),
    })
    expect(e.code).toBe('bad-request')
    expect(e.message).toMatch(/data/)
    // The largest write, even all control characters (escaped in JSON), passes the API's size gate.
    e = await failure('console.write', {
      id: '00000000-0000-4000-8000-000000000000',
      data: '\x01'.repeat(MAX_WRITE_CHARS),
    })
    expect(e.code).toBe('not-found')
    e = await failure('console.ack', { id: '00000000-0000-4000-8000-000000000000', bytes: 10 })
    expect(e.code).toBe('not-found')
    expect(await engine.api.call('consoles.list', {})).toEqual([])
  })
})

describe('serial console and the pty relay', () => {
  it('gives virsh console a terminal: against the test driver, virsh itself answers', async () => {
    await engine.api.call('settings.update', { connectionUri: inject('libvirt').testUri })
    // A lab whose node is the test driver's own domain `test`.
    await lab.store.save(
      consoleLabState('conserial', lab.node, lab.address, '127.0.0.0/8', lab.sshd.hostKeyFingerprint, 'test'),
    )
    const info = await open('serial', 80, 24, 'conserial')
    expect(info.title).toContain('serial test')
    const c = new ConsoleProbe(engine, info.id)
    await c.waitUntil(() => c.exit !== null, 20_000)
    // virsh ran on a pty (without one it says "Cannot run interactive console without a controlling TTY"),
    // reached the domain, and reported that the test driver has no consoles.
    expect(c.text).not.toMatch(/controlling TTY/)
    expect(c.text).toContain("Connected to domain 'test'")
    expect(c.text).toMatch(/not supported/)
    expect(c.exit).toMatchObject({ code: 1 })
    await engine.api.call('console.close', { id: info.id })
    c.dispose()
  })

  it('runs a program on a real pty with the size asked for, and resizes it', async () => {
    const info = await engine.consoles.openProgram(['bash', '-c', 'tty; stty size; read line; stty size'], {
      cols: 100,
      rows: 30,
    })
    const c = new ConsoleProbe(engine, info.id)
    await c.waitFor(/\/dev\/pts\/\d+\r\n30 100/)
    await engine.api.call('console.resize', { id: info.id, cols: 120, rows: 33 })
    await c.write('\r')
    await c.waitFor('33 120')
    await c.waitUntil(() => c.exit !== null)
    expect(c.exit).toMatchObject({ code: 0 })
    engine.consoles.close(info.id)
    c.dispose()
  })

  it('never splits a UTF-8 character across chunks, and keeps chunks bounded', async () => {
    const text = '가나다라 🙂 é\n'.repeat(100_000) // 2 MB with 1-, 2-, 3- and 4-byte characters
    const file = join(tmp.dir, 'utf8.txt')
    writeFileSync(file, text)
    const info = await engine.consoles.openProgram(['bash', '-c', `stty -onlcr; cat ${file}`], {
      cols: 80,
      rows: 24,
    })
    const chunks: string[] = []
    const c = new ConsoleProbe(engine, info.id, { write: (d) => void chunks.push(d) })
    await c.waitUntil(() => c.exit !== null, 30_000)
    expect(c.text).toBe(text)
    expect(c.text).not.toContain('\ufffd')
    expect(Math.max(...chunks.map((d) => Buffer.byteLength(d)))).toBeLessThanOrEqual(CHUNK_BYTES + 3)
    engine.consoles.close(info.id)
    c.dispose()
  })

  it('closes its sessions when the engine closes', async () => {
    const e2 = testEngine(tmp.dir)
    // A duration no other process here uses, so only this session's relay matches.
    const seconds = String(300 + Math.floor(Math.random() * 100_000))
    const info = await e2.consoles.openProgram(['sleep', seconds], { cols: 80, rows: 24 })
    expect(info.state).toBe('open')
    const relays = () => relaysOf(['sleep', seconds])
    await waitFor(() => relays().length > 0, { timeoutMs: 10_000, what: 'the session’s relay to run' })
    await e2.close()
    expect(await e2.call('consoles.list', {})).toEqual([])
    await waitFor(() => relays().length === 0, {
      timeoutMs: 10_000,
      what: 'the closed sessions’ relays to end',
    })
  })
})
