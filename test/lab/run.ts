// `npm run test:lab`: the lab test bed. Builds (or reuses) the offline guest template and its local
// virt-builder repository, starts a private libvirtd (QEMU driver) in a network namespace with the `default`
// NAT network, runs the lab tests inside that same namespace (guest traffic never leaves it), and removes
// everything afterwards, also after a failure or Ctrl-C. Stale leftovers of a killed run are removed first.
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { cleanStale, startTestLibvirtd } from '../harness/libvirtd'

const times: [string, number][] = []
async function phase<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  const t0 = Date.now()
  console.log(`::: ${name}`)
  try {
    return await work()
  } finally {
    times.push([name, (Date.now() - t0) / 1000])
  }
}

async function main(): Promise<number> {
  await phase('build (the CLI under test)', () => {
    execFileSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
  })
  const stale = await phase('clean stale test beds', () => cleanStale())
  if (stale.length) console.log(`removed: ${stale.join(', ')}`)
  const repo = await phase('guest template (build or reuse)', () => {
    const out = execFileSync('bash', ['test/lab/template/build.sh'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    return out.trim().split('\n').pop()!
  })
  const daemon = await phase('libvirtd in a network namespace', () => startTestLibvirtd('lab'))
  let code = 1
  const stop = async () => {
    await phase('teardown', () => daemon.stop())
  }
  process.once('SIGINT', () => void stop().then(() => process.exit(130)))
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)))
  try {
    await phase('default NAT network', () => {
      const virsh = (...args: string[]) =>
        execFileSync('virsh', ['-c', daemon.qemuUri, ...args], { encoding: 'utf8' })
      if (!virsh('net-list', '--all', '--name').includes('default'))
        virsh('net-define', '/usr/share/libvirt/networks/default.xml')
      virsh('net-start', 'default')
    })
    const images = join(daemon.dir, 'images')
    mkdirSync(images, { recursive: true })
    chmodSync(images, 0o755) // qemu runs as its own user and must reach the disks
    code = await phase('lab tests (inside the namespace)', () => {
      const child = spawn(
        'ip',
        ['netns', 'exec', daemon.name, 'npx', 'vitest', 'run', '--project', 'lab', ...process.argv.slice(2)],
        {
          stdio: 'inherit',
          env: {
            ...process.env,
            STACKLAB_LAB_URI: daemon.qemuUri,
            STACKLAB_LAB_IMAGES: images,
            STACKLAB_LAB_WORK: join(daemon.dir, 'work'),
            STACKLAB_TEMPLATE_REPO: repo,
            STACKLAB_REPORT: 'lab',
          },
        },
      )
      return new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)))
    })
  } finally {
    await stop()
    console.log('\n::: lab phase times')
    for (const [name, s] of times) console.log(`  ${name}: ${s.toFixed(0)} s`)
  }
  return code
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
