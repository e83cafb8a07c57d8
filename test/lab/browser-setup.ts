// `stacklab serve` for the browser run on the lab test bed: settings point at the bed's libvirtd (QEMU),
// its images folder and the offline template repository, as a user would set them in Settings.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { xdgEnv } from '../helpers'
import { labEnvironment } from './lab-helpers'

export default async function browserSetup(): Promise<() => Promise<void>> {
  const lab = labEnvironment()
  const env = { ...process.env, ...xdgEnv(lab.home), NO_COLOR: '1' }
  mkdirSync(join(env.XDG_CONFIG_HOME, 'stacklab'), { recursive: true })
  writeFileSync(
    join(env.XDG_CONFIG_HOME, 'stacklab', 'settings.json'),
    JSON.stringify({
      connectionUri: lab.uri,
      imagesDir: lab.images,
      templateSource: lab.repo,
      templateUnsigned: true,
    }),
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
  process.env['STACKLAB_LAB_HOME'] = lab.home
  return () => {
    server.kill('SIGTERM')
    return Promise.resolve()
  }
}
