// Starts what the browser tests drive: a real libvirtd (test driver) and `stacklab serve` pointed at it
// through its own settings file, as a user would configure it. Both are stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestLibvirtd } from '../harness/libvirtd'
import { xdgEnv } from '../helpers'

export default async function globalSetup(): Promise<() => Promise<void>> {
  const daemon = await startTestLibvirtd('e2e')
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-e2e-'))
  const env = { ...process.env, ...xdgEnv(dir), NO_COLOR: '1' }
  mkdirSync(join(env.XDG_CONFIG_HOME, 'stacklab'), { recursive: true })
  writeFileSync(
    join(env.XDG_CONFIG_HOME, 'stacklab', 'settings.json'),
    JSON.stringify({ connectionUri: daemon.testUri, imagesDir: '' }),
  )
  const server: ChildProcess = spawn('node', ['bin/stacklab.js', 'serve', '--json'], {
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
  process.env['STACKLAB_URL'] = url
  process.env['STACKLAB_TEST_URI'] = daemon.testUri
  process.env['STACKLAB_TEST_XDG'] = dir
  return async () => {
    server.kill('SIGTERM')
    await daemon.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
