// A test run killed halfway (SIGKILL, no chance to clean up) leaves its namespace, daemons and files; the
// next run's harness removes them all before it starts.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { cleanStale } from '../harness/libvirtd'
import { waitFor } from '../helpers'

/** Gone, or a zombie nobody reaped: what the harness counts as a dead run. */
function dead(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] === 'Z'
  } catch {
    return true
  }
}

function namespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean)
}

it('removes what a killed run left behind', async () => {
  const holder = spawn('npx', ['tsx', 'test/harness/hold.ts'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const { name, dir } = await new Promise<{ name: string; dir: string }>((resolve, reject) => {
    let out = ''
    holder.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) resolve(JSON.parse(line) as { name: string; dir: string })
    })
    holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)))
  })
  const pidsIn = () =>
    execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).split('\n').filter(Boolean)
  expect(pidsIn().length).toBeGreaterThan(0) // libvirtd and virtlogd run in it

  // Kill the run; the namespace is named after its process (npx's tsx child), which must be dead first.
  const owner = Number(name.split('-')[2])
  process.kill(-holder.pid!, 'SIGKILL')
  await waitFor(() => dead(owner), { timeoutMs: 10_000, what: `the killed run (pid ${owner}) to end` })
  expect(namespaces()).toContain(name)
  expect(existsSync(dir)).toBe(true)

  expect(await cleanStale()).toContain(name)
  expect(namespaces()).not.toContain(name)
  expect(existsSync(dir)).toBe(false)
  expect(spawnSync('pgrep', ['-f', `${dir}/libvirtd.conf`], { encoding: 'utf8' }).stdout.trim()).toBe('')
}, 60_000)
