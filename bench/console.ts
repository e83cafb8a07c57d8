// Benchmark: console throughput and Ctrl-C response, Stacklab's way against the manual way, on a real sshd.
//   npx tsx bench/console.ts        (npm run bench:console; needs root: the node listens on 127.x.y.z:22)
// The topology is the app's: the engine in one process (as `stacklab serve` or Electron's main process), the
// terminal in another (the page), joined by the browser host's WebSocket. The terminal is @xterm/headless,
// written with its callback, acknowledging as the app's terminal does. Prints:
//   - terminal throughput of a 100 MB flood (base64 lines) from SSH into the terminal: through the engine's
//     console session with flow control, against a plain `ssh -tt` client process whose output is written
//     into the same kind of terminal (with the backpressure a terminal emulator applies). Every byte is
//     counted and its sha256 checked;
//   - the delay from writing Ctrl-C during an endless flood until the terminal has processed the last of the
//     output (median and worst of 5), and how much output still came after the Ctrl-C, both ways.
import { spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import type { Terminal as TerminalType } from '@xterm/headless'
import { AckBatcher, utf8Length, type ConsoleInfo } from '../src-shared/console'
import type { ServerMessage } from '../src-shared/api'
import { startBrowserHost } from '../src-main/server/server'
import { markedHash } from '../test/harness/console-client'
import { floodFile, startConsoleLab } from '../test/harness/console-lab'
import { tempDir, tempPaths, testEngine } from '../test/helpers'

// The package's ESM entry is not shipped; its CommonJS build is.
const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as { Terminal: typeof TerminalType }
const FLOOD_BYTES = Number(process.env['BENCH_RANDOM_BYTES'] ?? 75_000_000) // 100 MB as base64
const ROUNDS = 5

function newTerminal(): TerminalType {
  return new Terminal({ cols: 160, rows: 50, scrollback: 1000, allowProposedApi: true })
}

/** Resolves once the terminal has parsed everything written before (its write callback). */
function drained(term: TerminalType): Promise<void> {
  return new Promise((resolve) => term.write('', resolve))
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000)
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KiB`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface ClientResult {
  ms: number
  bytes: number
  sha: string
  stops: number[]
  /** Bytes that still arrived after Ctrl-C (in flight then: buffers, SSH window, flow-control window). */
  tails: number[]
}

/** The terminal side, in its own process: the app's client over the browser host's WebSocket. */
async function client(url: string, lab: string, node: string, file: string): Promise<ClientResult> {
  const ws = new WebSocket(url)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  let nextId = 1
  const pending = new Map<number, (m: ServerMessage) => void>()
  const call = (method: string, input: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++
      pending.set(id, (m) =>
        m.type === 'result' && m.ok ? resolve(m.value) : reject(new Error(JSON.stringify(m))),
      )
      ws.send(JSON.stringify({ type: 'call', id, method, input }))
    })
  const term = newTerminal()
  let onData: (d: string) => void = () => {}
  let text = ''
  let received = 0
  let lastDataAt = 0
  let lastShownAt = 0
  let id = ''
  const acks = new AckBatcher((bytes) => void call('console.ack', { id, bytes }))
  ws.on('message', (raw: Buffer) => {
    const m = JSON.parse(raw.toString()) as ServerMessage
    if (m.type === 'result') {
      pending.get(m.id!)?.(m)
      pending.delete(m.id!)
      return
    }
    if (m.event !== 'console.data') return
    const { data } = m.payload as { id: string; data: string }
    const bytes = utf8Length(data)
    received += bytes
    lastDataAt = performance.now()
    onData(data)
    term.write(data, () => {
      lastShownAt = performance.now()
      acks.written(bytes)
    })
  })
  ws.send(JSON.stringify({ type: 'subscribe', events: ['console.data', 'console.exit'] }))
  const waitText = async (needle: string) => {
    while (!text.includes(needle)) await sleep(5)
  }
  const info = (await call('console.open', { lab, node, kind: 'ssh', cols: 160, rows: 50 })) as ConsoleInfo
  id = info.id
  const write = (data: string) => call('console.write', { id, data })
  onData = (d) => (text += d)
  await write('stty -echo -onlcr; echo ready_$((40+2))\n')
  await waitText('ready_42')
  const hashed = markedHash()
  onData = (d) => hashed.write(d)
  const started = performance.now()
  await write(`printf 'BEGIN_%s\\n' 42; cat ${file}; printf 'END_%s\\n' 42\n`)
  const got = await hashed.result
  await drained(term)
  const ms = performance.now() - started

  const stops: number[] = []
  const tails: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    onData = () => {}
    const before = received
    await write('base64 /dev/urandom\n')
    while (received < before + 10_000_000) await sleep(5)
    const at = performance.now()
    const mark = received
    await write('\x03')
    while (performance.now() - Math.max(lastDataAt, lastShownAt) < 500) await sleep(10)
    stops.push(lastShownAt - at)
    tails.push(received - mark)
    text = ''
    onData = (d) => (text += d)
    await write(`echo round_$((${i}+100))\n`)
    await waitText(`round_${i + 100}`)
  }
  await call('console.close', { id })
  ws.close()
  return { ms, bytes: got.bytes, sha: got.sha, stops, tails }
}

/** Runs the terminal side in a child process (this file with --client) and reads its result. */
function runClient(url: string, lab: string, node: string, file: string): Promise<ClientResult> {
  const self = fileURLToPath(import.meta.url)
  const child = spawn(process.execPath, [...process.execArgv, self, '--client', url, lab, node, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  return new Promise((resolve, reject) =>
    child.once('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ClientResult)
        : reject(new Error(`client exited ${code}`)),
    ),
  )
}

async function main() {
  const tmp = tempDir('stacklab-bench-console-')
  const engine = testEngine(tmp.dir, 'browser')
  const lab = await startConsoleLab(tempPaths(tmp.dir).data, 'bench')
  const host = await startBrowserHost({ engine, rendererDir: join(tmp.dir, 'no-renderer') })
  const file = join(lab.sshd.dir, 'flood.txt')
  const sha = await floodFile(file, FLOOD_BYTES)
  const size = statSync(file).size
  console.log(`Flood: ${(size / 1e6).toFixed(1)} MB of base64 lines, sha256 ${sha.slice(0, 16)}…`)
  const sshArgs = [
    '-tt',
    '-i',
    lab.sshd.clientKey,
    '-p',
    String(lab.sshd.port),
    '-o',
    `UserKnownHostsFile=${lab.sshd.knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'LogLevel=ERROR',
    'root@127.0.0.1',
  ]
  try {
    // --- Stacklab: engine here, terminal in another process over the WebSocket.
    const wsUrl = host.url.replace('http://', 'ws://').replace('/?token=', '/api?token=')
    const engineSide = await runClient(wsUrl, 'bench', lab.node, file)
    const engineOk = engineSide.sha === sha && engineSide.bytes === size

    // --- Manual: a plain ssh client process, its output written into a terminal here.
    const term2 = newTerminal()
    const hashed = markedHash()
    const started = performance.now()
    const ssh = spawn(
      'ssh',
      [...sshArgs, `stty -onlcr; printf 'BEGIN_%s\\n' 42; cat ${file}; printf 'END_%s\\n' 42`],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    )
    ssh.stdout.setEncoding('utf8')
    let backlog = 0
    ssh.stdout.on('data', (d: string) => {
      hashed.write(d)
      const bytes = utf8Length(d)
      backlog += bytes
      if (backlog > 1024 * 1024) ssh.stdout.pause()
      term2.write(d, () => {
        backlog -= bytes
        if (backlog < 256 * 1024) ssh.stdout.resume()
      })
    })
    const got = await hashed.result
    await drained(term2)
    const sshMs = performance.now() - started
    const sshOk = got.sha === sha && got.bytes === size
    ssh.kill()

    const sshStops: number[] = []
    const sshTails: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      const t3 = newTerminal()
      const p = spawn('ssh', [...sshArgs, 'base64 /dev/urandom; sleep 30'], {
        stdio: ['pipe', 'pipe', 'ignore'],
      })
      let received = 0
      let last = 0
      p.stdout.on('data', (d: Buffer) => {
        received += d.length
        last = performance.now()
        p.stdout.pause()
        t3.write(d, () => {
          last = performance.now()
          p.stdout.resume()
        })
      })
      while (received < 10_000_000) await sleep(5)
      const at = performance.now()
      const mark = received
      p.stdin.write('\x03')
      while (performance.now() - last < 500) await sleep(10)
      sshStops.push(last - at)
      sshTails.push(received - mark)
      p.kill()
    }

    const engineMbps = mbps(size, engineSide.ms)
    console.log(
      '\nThroughput, SSH to a terminal in another process (100 MB flood, every byte checked by sha256):',
    )
    console.log(
      `  Stacklab console session + flow control: ${engineMbps.toFixed(1)} MB/s (${(engineSide.ms / 1000).toFixed(2)} s), ${engineOk ? 'all bytes delivered, sha256 ok' : 'MISMATCH'}`,
    )
    console.log(
      `  plain ssh -tt client process:            ${mbps(size, sshMs).toFixed(1)} MB/s (${(sshMs / 1000).toFixed(2)} s), ${sshOk ? 'all bytes delivered, sha256 ok' : 'MISMATCH'}`,
    )
    console.log(
      `\nCtrl-C during an endless flood until the terminal has shown its last output (${ROUNDS} rounds):`,
    )
    console.log(
      `  Stacklab console session: median ${median(engineSide.stops).toFixed(0)} ms, worst ${Math.max(...engineSide.stops).toFixed(0)} ms; output after Ctrl-C median ${kb(median(engineSide.tails))}, worst ${kb(Math.max(...engineSide.tails))}`,
    )
    console.log(
      `  plain ssh -tt:            median ${median(sshStops).toFixed(0)} ms, worst ${Math.max(...sshStops).toFixed(0)} ms; output after Ctrl-C median ${kb(median(sshTails))}, worst ${kb(Math.max(...sshTails))}`,
    )
    console.log(
      `\nTargets: >= 20 MB/s with nothing lost: ${engineMbps >= 20 && engineOk ? 'met' : 'NOT met'}; Ctrl-C < 200 ms: ${Math.max(...engineSide.stops) < 200 ? 'met' : 'NOT met'}`,
    )
  } finally {
    await host.close()
    await engine.close()
    await lab.stop()
    tmp.cleanup()
  }
}

if (process.argv[2] === '--client') {
  const [url, lab, node, file] = process.argv.slice(3) as [string, string, string, string]
  void client(url, lab, node, file).then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + '\n')
      process.exit(0)
    },
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
} else {
  void main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
