// `stacklab console` against a lab node that is a real sshd: with input piped in (a script), and on a real
// terminal (the pty relay plays the terminal emulator: raw mode, its size, a resize sent as SIGWINCH).
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import { consoleLabState, startConsoleLab, type ConsoleLab } from '../harness/console-lab'
import { tempDir, waitFor, xdgEnv } from '../helpers'

let tmp: ReturnType<typeof tempDir>
let lab: ConsoleLab
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  tmp = tempDir('stacklab-console-cli-')
  const xdg = xdgEnv(tmp.dir)
  env = { ...process.env, ...xdg, NO_COLOR: '1' }
  lab = await startConsoleLab(join(xdg.XDG_DATA_HOME, 'stacklab'))
  mkdirSync(join(xdg.XDG_CONFIG_HOME, 'stacklab'), { recursive: true })
  writeFileSync(
    join(xdg.XDG_CONFIG_HOME, 'stacklab', 'settings.json'),
    JSON.stringify({ connectionUri: inject('libvirt').testUri }),
  )
})
afterAll(async () => {
  await lab?.stop()
  tmp?.cleanup()
})

function start(argv: string[], pipes = 0) {
  const child = spawn(argv[0]!, argv.slice(1), {
    env,
    stdio: ['pipe', 'pipe', 'pipe', ...Array<'pipe'>(pipes).fill('pipe')],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)))
  const waitFor = async (re: RegExp, from = 0) => {
    const end = Date.now() + 20_000
    while (!re.test(out.slice(from))) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}: ${out.slice(-400)}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return { child, exited, waitFor, out: () => out }
}

it('runs a script piped in, and exits with the shell status', async () => {
  const p = start(['node', 'bin/stacklab.js', 'console', lab.lab, lab.node])
  p.child.stdin.end('echo cli_$((2*21))\nexit 5\n')
  expect(await p.exited).toBe(5)
  expect(p.out()).toMatch(/Connected to controller \(ssh root@/)
  expect(p.out()).toContain('cli_42')
})

it('on a real terminal: raw mode, the terminal size, and resizes', async () => {
  const p = start(
    [
      'python3',
      'resources/pty-relay.py',
      '--cols',
      '90',
      '--rows',
      '20',
      '--',
      'node',
      'bin/stacklab.js',
      'console',
      lab.lab,
      lab.node,
    ],
    1,
  )
  await p.waitFor(/Connected to/)
  p.child.stdin.write('stty size\r')
  await p.waitFor(/20 90/)
  const from = p.out().length
  ;(p.child.stdio[3] as NodeJS.WritableStream).write('111 22\n') // the terminal is resized: SIGWINCH
  // The new size travels relay → CLI → SSH → the remote pty: ask the shell until it sees it.
  await waitFor(
    async () => {
      const at = p.out().length
      p.child.stdin.write('stty size\r')
      await p.waitFor(/\d+ \d+\r*\n/, at)
      return /22 111/.test(p.out().slice(at))
    },
    { timeoutMs: 20_000, what: 'the remote shell to see the new size' },
  )
  expect(p.out().slice(from)).toMatch(/22 111/)
  p.child.stdin.write('exit 3\r')
  expect(await p.exited).toBe(3)
})

it('a serial console on the test driver: virsh reports it has none, and the status says so', async () => {
  await lab.store.save(
    consoleLabState('clserial', lab.node, lab.address, '127.0.0.0/8', lab.sshd.hostKeyFingerprint, 'test'),
  )
  const p = start([
    'python3',
    'resources/pty-relay.py',
    '--',
    'node',
    'bin/stacklab.js',
    'console',
    'clserial',
    lab.node,
    '--serial',
  ])
  expect(await p.exited).toBe(1)
  expect(p.out()).toContain('Ctrl-] to detach')
  expect(p.out()).toMatch(/not supported/)
})

it('names what is wrong with the arguments', async () => {
  const p = start(['node', 'bin/stacklab.js', 'console', lab.lab])
  p.child.stdin.end()
  expect(await p.exited).toBe(2)
  expect(p.out()).toContain('console needs NODE')
  const q = start(['node', 'bin/stacklab.js', 'console', 'nolab', 'x'])
  q.child.stdin.end()
  expect(await q.exited).toBe(1)
  expect(q.out()).toContain('there is no lab named nolab')
})
