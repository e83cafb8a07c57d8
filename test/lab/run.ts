// `npm run test:lab`: the lab test bed. Builds (or reuses) the offline guest template and its local
// virt-builder repository, starts a private libvirtd (QEMU driver) in a network namespace with the `default`
// NAT network, runs the lab tests inside that same namespace (guest traffic never leaves it), and removes
// everything afterwards, also after a failure or Ctrl-C. Stale leftovers of a killed run are removed first.
import { execFileSync, spawn } from 'node:child_process'
import { startLabBed, templateRepo } from '../harness/lab-bed'

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
  // --openstack: the real-OpenStack tests (test/openstack) on the second template: `npm run test:openstack`
  // (the install) and `npm run test:lessons` (every lesson on an installed lab).
  const openstack = process.argv[2] === '--openstack'
  if (openstack) process.argv.splice(2, 1)
  await phase('build (the CLI under test)', () => {
    execFileSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
  })
  const repo = await phase('guest template (build or reuse)', () =>
    templateRepo(openstack ? 'build-openstack.sh' : 'build.sh'),
  )
  const bed = await phase('libvirtd in a network namespace, default NAT network', () =>
    startLabBed('lab', repo),
  )
  let code = 1
  const stop = async () => {
    await phase('teardown', () => bed.stop())
  }
  process.once('SIGINT', () => void stop().then(() => process.exit(130)))
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)))
  try {
    // No arguments: the lab tests, then the browser run (test/lab/ui.spec.ts). A .test.ts file: that one
    // only. The .spec.ts file: the browser run only.
    const filter = process.argv.slice(2)
    const browserOnly = filter.length === 1 && filter[0]!.endsWith('.spec.ts')
    const inside = (argv: string[]) => {
      const [cmd, ...args] = bed.inside(argv)
      const child = spawn(cmd!, args, {
        stdio: 'inherit',
        env: { ...process.env, ...bed.env, STACKLAB_REPORT: 'lab' },
      })
      return new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)))
    }
    code = 0
    if (!browserOnly)
      code = await phase(`${openstack ? 'OpenStack' : 'lab'} tests (inside the namespace)`, () =>
        inside(['npx', 'vitest', 'run', '--project', openstack ? 'openstack' : 'lab', ...filter]),
      )
    if (!openstack && (filter.length === 0 || browserOnly)) {
      const browser = await phase('the app in a browser on the lab (inside the namespace)', () =>
        inside(['npx', 'playwright', 'test', '-c', 'playwright.lab.config.ts']),
      )
      code = code || browser
    }
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
