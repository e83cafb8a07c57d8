// Test harness: a real libvirtd (test driver) and `stacklab serve` pointed at it through its own settings
// file, as a user would configure it. Used by the browser tests' global setup and the renderer benchmark.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { xdgEnv } from '../helpers'
import { startTestLibvirtd, type TestLibvirtd } from './libvirtd'

export interface StacklabServe {
  /** The browser host's URL with its token. */
  url: string
  /** The test driver URI the server's settings point at. */
  testUri: string
  /** Temp directory holding the server's XDG config, data, state and cache homes. */
  xdgDir: string
  daemon: TestLibvirtd
  stop(): Promise<void>
}

/**
 * `stacklab serve --json` with its own XDG homes under `dir` and the given settings file, as a user would
 * configure it. Resolves with the URL it prints (with its token) and how to stop it.
 */
export async function serveWithSettings(
  dir: string,
  settings: Record<string, unknown>,
  options: { maxOpenFiles?: number } = {},
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const env = { ...process.env, ...xdgEnv(dir), NO_COLOR: '1' }
  mkdirSync(join(env.XDG_CONFIG_HOME, 'stacklab'), { recursive: true })
  writeFileSync(join(env.XDG_CONFIG_HOME, 'stacklab', 'settings.json'), JSON.stringify(settings))
  const command = ['node', 'bin/stacklab.js', 'serve', '--json']
  // A low descriptor limit (util-linux prlimit) lets a test use them all up with a few hundred connections.
  if (options.maxOpenFiles) command.unshift('prlimit', `--nofile=${options.maxOpenFiles}`)
  const server: ChildProcess = spawn(command[0]!, command.slice(1), {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) resolve((JSON.parse(line) as { url: string }).url)
    })
    server.once('exit', (code) => reject(new Error(`stacklab serve exited with ${code}`)))
  })
  return {
    url,
    child: server,
    async stop() {
      if (server.exitCode !== null || server.signalCode !== null) return
      const exited = new Promise((resolve) => server.once('exit', resolve))
      server.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
    },
  }
}

export async function startStacklabServe(tag: string): Promise<StacklabServe> {
  const daemon = await startTestLibvirtd(tag)
  const dir = mkdtempSync(join(tmpdir(), `stacklab-${tag}-`))
  let served: { url: string; child: ChildProcess; stop: () => Promise<void> }
  try {
    served = await serveWithSettings(dir, { connectionUri: daemon.testUri, imagesDir: '' })
  } catch (error) {
    await daemon.stop()
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    url: served.url,
    testUri: daemon.testUri,
    xdgDir: dir,
    daemon,
    async stop() {
      await served.stop()
      await daemon.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
