// Smoke test of Stacklab's offline test template: builds (or reuses) the template repository, makes a lab
// node disk from it, boots it with software emulation (TCG) under the test harness's own libvirtd, reaches
// it over SSH from inside the harness's network namespace, and runs the packstack and openstack test
// doubles there. Everything it starts is torn down at the end, also on failure or Ctrl-C.
//
//   npx tsx test/lab/template/smoke.ts            # root only; about 6-8 minutes under TCG
//   npx tsx test/lab/template/smoke.ts --no-virt-builder   # skip timing the full virt-builder path
//
// Guest traffic stays inside the namespace: every ssh to the guest runs through `ip netns exec`.
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTestLibvirtd, type TestLibvirtd } from '../../harness/libvirtd'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const TEMPLATE = 'debian-12-stacklab'
const GUEST_IP = '192.168.122.100'
const DOMAIN = `stacklab-smoke-${process.pid}`
const ISOLATED_NET = `stacklab-smoke-${process.pid}`
const GUESTFS_ENV = { LIBGUESTFS_BACKEND: 'direct', LIBGUESTFS_BACKEND_SETTINGS: 'force_tcg' }

interface RunResult {
  code: number
  stdout: string
  stderr: string
}

interface RunOptions {
  env?: Record<string, string>
  timeoutMs?: number
  allowFail?: boolean
  echo?: boolean
}

function run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      if (opts.echo) process.stderr.write(d)
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      if (opts.echo) process.stderr.write(d)
    })
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs).unref() : undefined
    child.on('error', reject)
    child.on('close', (code) => {
      if (timer) clearTimeout(timer)
      const result = { code: code ?? -1, stdout, stderr }
      if (result.code !== 0 && !opts.allowFail)
        reject(new Error(`${file} ${args.join(' ')} exited ${result.code}\n${stderr.slice(-2000)}`))
      else resolve(result)
    })
  })
}

const timings: [string, number][] = []
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now()
  process.stderr.write(`\n== ${name}\n`)
  try {
    return await fn()
  } finally {
    const s = (Date.now() - start) / 1000
    timings.push([name, s])
    process.stderr.write(`== ${name}: ${s.toFixed(1)} s\n`)
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// The harness starts `virtlogd -d`, whose pid file is the host-wide /run/virtlogd.pid: when another
// harness instance (or the host) already runs a virtlogd, ours exits at once and domains with a logged
// serial console cannot start ("Failed to connect socket to '/run/libvirt/virtlogd-sock'"). Start one
// with a private pid file inside the daemon's namespaces when its socket is missing.
async function ensureVirtlogd(daemon: TestLibvirtd): Promise<void> {
  const pid = readFileSync(join(daemon.dir, 'libvirtd.pid'), 'utf8').trim()
  const inNs = (...args: string[]) =>
    run('nsenter', ['-t', pid, '-m', '-n', '--', ...args], { allowFail: true })
  if ((await inNs('test', '-S', '/run/libvirt/virtlogd-sock')).code === 0) return
  process.stderr.write('virtlogd of the harness is not running (pid file taken); starting a private one\n')
  await inNs('virtlogd', '-d', '-p', join(daemon.dir, 'virtlogd-smoke.pid'))
  for (let i = 0; i < 50; i++) {
    if ((await inNs('test', '-S', '/run/libvirt/virtlogd-sock')).code === 0) return
    await sleep(100)
  }
  throw new Error('virtlogd did not start in the harness namespace')
}

async function main(): Promise<void> {
  const withVirtBuilder = !process.argv.includes('--no-virt-builder')
  if (process.getuid?.() !== 0) throw new Error('the smoke test needs root (libvirt harness, namespaces)')

  const work = mkdtempSync('/tmp/stacklab-smoke-')
  chmodSync(work, 0o755) // qemu runs as libvirt-qemu and must reach the disks in here
  let daemon: TestLibvirtd | undefined
  let virsh: ((...args: string[]) => Promise<RunResult>) | undefined
  let stopping = false
  const teardown = async () => {
    if (stopping) return
    stopping = true
    if (virsh) {
      await virsh('destroy', DOMAIN).catch(() => undefined)
      await virsh('undefine', DOMAIN).catch(() => undefined)
      await virsh('net-destroy', ISOLATED_NET).catch(() => undefined)
    }
    if (daemon) await daemon.stop().catch(() => undefined)
    rmSync(work, { recursive: true, force: true })
  }
  const onSignal = () => {
    void teardown().then(() => process.exit(130))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  try {
    // 1. the template repository
    const repo = await phase('template build (or cache hit)', async () => {
      const r = await run('bash', [join(HERE, 'build.sh')], { echo: true })
      return r.stdout.trim().split('\n').pop() ?? ''
    })
    if (!existsSync(join(repo, '.complete'))) throw new Error(`no complete repository at ${repo}`)

    // 2a. the manual recipe: virt-builder from the local repository (timed, not booted)
    const vbEnv = { ...GUESTFS_ENV, VIRT_BUILDER_DIRS: repo, XDG_CONFIG_HOME: join(work, 'xdg') }
    await phase('virt-builder --list', async () => {
      const r = await run('virt-builder', ['--list', '--no-check-signature'], { env: vbEnv })
      if (!r.stdout.includes(TEMPLATE)) throw new Error(`virt-builder --list lacks ${TEMPLATE}:\n${r.stdout}`)
      process.stderr.write(r.stdout)
    })
    if (withVirtBuilder) {
      await phase('virt-builder from the local repository (qcow2, 6G)', () =>
        run(
          'virt-builder',
          [
            TEMPLATE,
            '--no-check-signature',
            '--no-cache',
            '--no-network',
            '-o',
            join(work, 'vb.qcow2'),
            '--format',
            'qcow2',
            '--size',
            '6G',
            '--hostname',
            'vb-node',
          ],
          { env: vbEnv, echo: true },
        ),
      )
      rmSync(join(work, 'vb.qcow2'), { force: true })
    }

    // 2b. the fast path: decompress once, then a qcow2 overlay per VM
    const base = join(work, 'base.raw')
    const disk = join(work, 'node.qcow2')
    await phase('decompress template (xz -d, sparse)', async () => {
      await run('bash', ['-c', 'xz -dc -T2 "$1" > "$2"', 'xz', join(repo, `${TEMPLATE}.xz`), base])
    })
    await phase('qcow2 overlay (qemu-img create -b)', () =>
      run('qemu-img', ['create', '-f', 'qcow2', '-F', 'raw', '-b', base, disk]),
    )

    // 3. per-VM customization: static addresses, root key, SSH host keys, hostname
    const key = join(work, 'id_ed25519')
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stacklab-smoke', '-f', key])
    const interfaces = join(work, 'interfaces')
    writeFileSync(
      interfaces,
      [
        'source /etc/network/interfaces.d/*',
        '',
        'auto lo',
        'iface lo inet loopback',
        '',
        'auto eth0',
        'iface eth0 inet static',
        `    address ${GUEST_IP}/24`,
        '    gateway 192.168.122.1',
        '',
        'auto eth1',
        'iface eth1 inet static',
        '    address 192.168.90.100/24',
        '',
      ].join('\n'),
    )
    await phase('virt-customize (network, ssh key, host keys)', () =>
      run(
        'virt-customize',
        [
          '--format',
          'qcow2',
          '-a',
          disk,
          '--no-network',
          '--hostname',
          'controller',
          '--upload',
          `${interfaces}:/etc/network/interfaces`,
          '--ssh-inject',
          `root:file:${key}.pub`,
          '--run-command',
          'ssh-keygen -A',
          '--run-command',
          `sed -i 's/stacklab-node/controller/' /etc/hosts`,
        ],
        { env: GUESTFS_ENV, echo: true },
      ),
    )

    // 4. libvirt: harness daemon, networks, domain
    daemon = await phase('start harness libvirtd', () => startTestLibvirtd('smoke'))
    const uri = daemon.qemuUri
    const ns = daemon.name
    virsh = (...args: string[]) => run('virsh', ['-c', uri, ...args])
    const v = virsh
    await ensureVirtlogd(daemon)
    await phase('networks (default + isolated 192.168.90.0/24)', async () => {
      const info = await run('virsh', ['-c', uri, 'net-info', 'default'], { allowFail: true })
      if (info.code !== 0) {
        await v('net-define', '/usr/share/libvirt/networks/default.xml')
        await v('net-start', 'default')
      } else if (!/Active:\s+yes/.test(info.stdout)) {
        await v('net-start', 'default')
      }
      const netXml = join(work, 'isolated.xml')
      writeFileSync(
        netXml,
        `<network>
  <name>${ISOLATED_NET}</name>
  <bridge name='virbr90' stp='on' delay='0'/>
  <ip address='192.168.90.1' netmask='255.255.255.0'/>
</network>
`,
      )
      await v('net-create', netXml)
    })
    const consoleLog = join(work, 'console.log')
    const domXml = join(work, 'domain.xml')
    writeFileSync(
      domXml,
      `<domain type='qemu'>
  <name>${DOMAIN}</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/><apic/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <interface type='network'><source network='${ISOLATED_NET}'/><model type='virtio'/></interface>
    <serial type='pty'><log file='${consoleLog}' append='off'/><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
`,
    )
    await phase('define + start domain', async () => {
      await v('define', domXml)
      await v('start', DOMAIN)
    })

    // 5. SSH from inside the namespace
    const ssh = (command: string, timeoutMs = 60_000) =>
      run(
        'ip',
        [
          'netns',
          'exec',
          ns,
          'ssh',
          '-i',
          key,
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          'BatchMode=yes',
          '-o',
          'ConnectTimeout=5',
          '-o',
          'LogLevel=ERROR',
          `root@${GUEST_IP}`,
          command,
        ],
        { allowFail: true, timeoutMs },
      )
    const hostname = await phase('boot to SSH', async () => {
      const deadline = Date.now() + 10 * 60_000
      for (;;) {
        const r = await ssh('hostname', 20_000)
        if (r.code === 0) return r.stdout.trim()
        if (Date.now() > deadline) {
          const tail = existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8').slice(-3000) : ''
          throw new Error(`no SSH on ${GUEST_IP} after 10 minutes; console:\n${tail}`)
        }
        await sleep(3000)
      }
    })
    process.stderr.write(`guest hostname: ${hostname}\n`)
    const facts = await ssh('ip -o -4 addr show; uname -r; systemctl is-system-running || true')
    process.stderr.write(facts.stdout)

    // 6. the doubles
    const packstack = await phase('packstack --allinone (double)', () =>
      ssh('echo 0.1 > /etc/stacklab-test/packstack-step-seconds; packstack --allinone', 5 * 60_000),
    )
    process.stderr.write(packstack.stdout)
    if (packstack.code !== 0) throw new Error(`packstack --allinone exited ${packstack.code}`)
    if (!packstack.stdout.includes('**** Installation completed successfully ******'))
      throw new Error('packstack output lacks the success banner')
    const services = await phase('openstack compute service list -f json (double)', () =>
      ssh('. /root/keystonerc_admin && openstack compute service list -f json'),
    )
    process.stderr.write(services.stdout + services.stderr)
    if (services.code !== 0) throw new Error(`openstack exited ${services.code}`)
    const agents = await ssh(
      '. /root/keystonerc_admin && openstack network agent list && openstack-service status',
    )
    process.stderr.write(agents.stdout + agents.stderr)
    const list = JSON.parse(services.stdout) as { Binary: string; State: string }[]
    const compute = list.find((s) => s.Binary === 'nova-compute')
    if (!compute || compute.State !== 'up') throw new Error('nova-compute is not listed as up')

    process.stdout.write('\nSmoke test passed. Timings:\n')
    for (const [name, s] of timings)
      process.stdout.write(`  ${name.padEnd(56)} ${s.toFixed(1).padStart(7)} s\n`)
  } finally {
    await teardown()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\nSmoke test FAILED: ${error instanceof Error ? error.stack : String(error)}\n`)
  if (timings.length) {
    process.stderr.write('Timings so far:\n')
    for (const [name, s] of timings)
      process.stderr.write(`  ${name.padEnd(56)} ${s.toFixed(1).padStart(7)} s\n`)
  }
  process.exitCode = 1
})
