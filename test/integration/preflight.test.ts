// Preflight against a real libvirtd (started by the run): the test driver for network states we can change
// with real virsh, the QEMU driver for real capabilities. Fixes the engine suggests are run and must work.
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { PreflightReport, type CheckId } from '../../src-shared/preflight'
import { tempDir, testEngine } from '../helpers'

const { testUri, qemuUri } = inject('libvirt')
let t: ReturnType<typeof tempDir>
beforeAll(() => (t = tempDir()))
afterAll(() => t.cleanup())

const virsh = (uri: string, ...args: string[]) =>
  execFileSync('virsh', ['-c', uri, ...args], { encoding: 'utf8' })

/** Split a suggested fix (`cmd a 'b c' && cmd d`) into argument arrays, as a POSIX shell would. */
function commandsOf(fix: string): string[][] {
  return fix
    .split(' && ')
    .map((part) => [...part.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? ''))
}

async function preflight(uri: string) {
  const engine = testEngine(t.dir)
  const seen: CheckId[] = []
  engine.on('preflight.check', (e) => seen.push(e.check.id))
  const report = PreflightReport.parse(await engine.api.call('preflight.run', { uri }))
  const by = Object.fromEntries(report.checks.map((c) => [c.id, c]))
  return { report, by, seen }
}

describe('preflight on a real libvirtd', () => {
  it('reaches libvirt through the test driver and streams every check once', async () => {
    const { report, by, seen } = await preflight(testUri)
    expect(by['libvirt-connection']!.status).toBe('ok')
    expect(by['libvirt-connection']!.evidence.join('\n')).toMatch(/Running hypervisor: TEST/)
    expect(by['libvirt-access']!.status).toBe('ok')
    expect(by['default-network']!.status).toBe('ok')
    expect([...seen].sort()).toEqual(report.checks.map((c) => c.id).sort())
    expect(report.counts.ok + report.counts.warn + report.counts.fail + report.counts.skip).toBe(10)
    expect(report.counts.skip).toBe(0)
  })

  it('sees the QEMU driver and, with no usable KVM here, plans QEMU emulation without failing', async () => {
    const { report, by } = await preflight(qemuUri)
    expect(by['libvirt-connection']!.evidence.join('\n')).toMatch(/Running hypervisor: QEMU/)
    expect(by['kvm-device']!.evidence.join('\n')).toMatch(/libvirt offers domain types: .*qemu/)
    if (by['kvm-device']!.status !== 'ok') {
      expect(report.virtType).toBe('qemu')
      expect(by['kvm-device']!.status).toBe('warn')
    }
  })

  it('warns when the default network is stopped, and its fix starts it', async () => {
    virsh(testUri, 'net-destroy', 'default')
    const { by } = await preflight(testUri)
    const check = by['default-network']!
    expect(check.status).toBe('warn')
    for (const argv of commandsOf(check.fix!)) {
      expect(argv[0]).toBe('virsh')
      execFileSync(argv[0]!, argv.slice(1))
    }
    expect((await preflight(testUri)).by['default-network']!.status).toBe('ok')
  })

  it('fails when the default network is missing, and its fix defines it again', async () => {
    const xml = virsh(testUri, 'net-dumpxml', 'default')
    virsh(testUri, 'net-destroy', 'default')
    virsh(testUri, 'net-undefine', 'default')
    try {
      const { by, report } = await preflight(testUri)
      expect(by['default-network']!.status).toBe('fail')
      expect(report.ready).toBe(false)
      for (const argv of commandsOf(by['default-network']!.fix!)) execFileSync(argv[0]!, argv.slice(1))
      expect((await preflight(testUri)).by['default-network']!.status).toBe('ok')
    } finally {
      if (!virsh(testUri, 'net-list', '--all', '--name').includes('default')) {
        const file = `${t.dir}/default.xml`
        execFileSync('tee', [file], { input: xml, stdio: ['pipe', 'ignore', 'inherit'] })
        virsh(testUri, 'net-define', file)
        virsh(testUri, 'net-start', 'default')
      }
    }
  })

  it('says the daemon is not running when nothing listens on the socket', async () => {
    const { by, report } = await preflight(`qemu+unix:///system?socket=${t.dir}/no-such-sock`)
    expect(by['libvirt-connection']!.status).toBe('fail')
    expect(by['libvirt-connection']!.summary).toMatch(/not running or not reachable/)
    expect(by['libvirt-connection']!.fix).toMatch(/systemctl enable --now/)
    // What needs the daemon is skipped, not failed: the one failure is the one to fix.
    expect(by['default-network']!.status).toBe('skip')
    expect(by['default-network']!.blockedBy).toBe('libvirt-connection')
    expect(by['libvirt-access']!.status).toBe('skip')
    expect(report.counts.skip).toBe(2)
    expect(report.ready).toBe(false)
  })
})
