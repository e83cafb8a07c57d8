// The host checks' verdicts on plain facts (verdicts.ts), so each case the seeds describe (no vmx/svm,
// nested off, the "option" typo, no XFS, low memory, a stopped daemon) is pinned down without a host.
import { describe, expect, it } from 'vitest'
import type {
  CpuFacts,
  KvmFacts,
  LibvirtFacts,
  NestedFacts,
  ToolFacts,
} from '../../src-main/engine/preflight/facts'
import * as v from '../../src-main/engine/preflight/verdicts'
import { isMessageKey, translate } from '../../src-renderer/src/i18n'
import type { Said } from '../../src-shared/preflight-says'

const GiB = 1024 ** 3
const debian = { family: 'debian', name: 'debian gnu/linux 12' } as const
const to = (over: Partial<v.CheckTarget> = {}): v.CheckTarget => ({
  uri: 'qemu:///system',
  uid: 1000,
  user: 'alice',
  distro: debian,
  ...over,
})

const reachable = (over: Partial<LibvirtFacts> = {}): LibvirtFacts => ({
  reachable: true,
  errorKind: null,
  detail: '',
  version: ['Running hypervisor: QEMU 7.2.0'],
  domainTypes: ['kvm', 'qemu'],
  networks: { all: ['default'], active: ['default'] },
  ...over,
})
const down = (errorKind: LibvirtFacts['errorKind'], detail: string): LibvirtFacts => ({
  ...reachable(),
  reachable: false,
  errorKind,
  detail,
})

const intel: CpuFacts = { vendor: 'intel', virtFlagLines: 2, flag: 'vmx' }
const amdNone: CpuFacts = { vendor: 'amd', virtFlagLines: 0, flag: null }
const kvmOk: KvmFacts = { present: true, writable: true, pvm: false }

describe('CPU flags and KVM', () => {
  it('reports the vmx line count like egrep -c, and ok', () => {
    const r = v.cpuFlagsVerdict(intel)
    expect(r.status).toBe('ok')
    expect(r.evidence[0]).toContain('→ 2')
  })

  it('warns without vmx/svm, as in the seed: guests use qemu', () => {
    const r = v.cpuFlagsVerdict(amdNone)
    expect(r.status).toBe('warn')
    expect(r.evidence[0]).toContain('→ 0')
  })

  it('says KVM works only with the device, the flag, and libvirt offering kvm', () => {
    expect(v.kvmVerdict(reachable(), intel, kvmOk, to()).status).toBe('ok')
    const noKvmInLibvirt = v.kvmVerdict(reachable({ domainTypes: ['qemu'] }), intel, kvmOk, to())
    expect(noKvmInLibvirt.status).toBe('warn')
    expect(noKvmInLibvirt.summary).toMatch(/QEMU software emulation/)
  })

  it('falls back to QEMU emulation, without failing, when /dev/kvm is missing or not writable', () => {
    const absent = v.kvmVerdict(reachable(), intel, { ...kvmOk, present: false, writable: false }, to())
    expect(absent.status).toBe('warn')
    expect(absent.fix).toBe('sudo modprobe kvm_intel')
    const locked = v.kvmVerdict(reachable(), intel, { ...kvmOk, writable: false }, to())
    expect(locked.fix).toBe('sudo usermod -aG kvm alice && newgrp kvm')
  })

  it('recognises kvm_pvm, whose /dev/kvm cannot run ordinary guests', () => {
    const r = v.kvmVerdict(reachable(), intel, { ...kvmOk, pvm: true }, to())
    expect(r.status).toBe('warn')
    expect(r.evidence.join('\n')).toMatch(/kvm_pvm/)
    expect(r.fix).toBeUndefined()
  })
})

describe('nested virtualization', () => {
  const nested = (over: Partial<NestedFacts>): NestedFacts => ({
    module: 'kvm_intel',
    value: 'Y',
    modprobeLines: [],
    ...over,
  })

  it('is ok when the module parameter is Y and modprobe.d keeps it', () => {
    const r = v.nestedVerdict(
      intel,
      nested({ modprobeLines: [{ file: '/etc/modprobe.d/kvm.conf', line: 'options kvm_intel nested=1' }] }),
      to(),
    )
    expect(r.status).toBe('ok')
    expect(r.summary).not.toMatch(/after reboot/)
    expect(v.nestedVerdict(intel, nested({}), to()).summary).toMatch(/off after reboot/)
  })

  it('warns when off, points out the seed\'s "option" typo, and gives the right line', () => {
    const r = v.nestedVerdict(
      intel,
      nested({
        value: 'N',
        modprobeLines: [{ file: '/etc/modprobe.d/nested.conf', line: 'option kvm_intel nested=Y' }],
      }),
      to(),
    )
    expect(r.status).toBe('warn')
    expect(r.evidence.join('\n')).toMatch(/is ignored: the keyword is "options"/)
    expect(r.fix).toContain("echo 'options kvm_intel nested=1' | sudo tee /etc/modprobe.d/kvm-nested.conf")
    expect(r.fix).toContain('sudo modprobe -r kvm_intel && sudo modprobe kvm_intel')
  })

  it('uses kvm_amd on AMD hosts, without sudo for root', () => {
    const r = v.nestedVerdict(
      { vendor: 'amd', virtFlagLines: 1, flag: 'svm' },
      nested({ module: 'kvm_amd', value: '0' }),
      to({ uid: 0 }),
    )
    expect(r.fix).toContain("echo 'options kvm_amd nested=1' | tee")
  })

  it('offers no fix for a module that is not loaded on a CPU without the flag', () => {
    const r = v.nestedVerdict(amdNone, nested({ module: 'kvm_amd', value: null }), to())
    expect(r.summary).toMatch(/kvm_amd is not loaded/)
    expect(r.fix).toBeUndefined()
  })
})

describe('tools and XFS', () => {
  const tools = (found: Partial<Record<ToolFacts['tool'], string>>): ToolFacts[] =>
    (['virsh', 'virt-builder', 'virt-customize', 'qemu-img'] as const).map((tool) => ({
      tool,
      path: found[tool] ?? null,
    }))

  it('lists missing tools and the packages that bring them on Debian', () => {
    const r = v.toolsVerdict(tools({ virsh: '/usr/bin/virsh' }), to())
    expect(r.status).toBe('fail')
    expect(r.summary).toBe('Missing: virt-builder, virt-customize, qemu-img')
    expect(r.fix).toBe('sudo apt-get install -y libguestfs-tools qemu-utils')
  })

  it('uses dnf and Fedora package names on RHEL-like hosts', () => {
    const r = v.toolsVerdict(tools({}), to({ distro: { family: 'rhel', name: 'centos' } }))
    expect(r.fix).toBe('sudo dnf install -y libvirt-client guestfs-tools qemu-img')
  })

  it("warns about the seed's virt-resize XFS error when libguestfs has no XFS", () => {
    const r = v.xfsVerdict(
      {
        applianceDirs: [{ dir: '/usr/lib/x86_64-linux-gnu/guestfs/supermin.d', xfsLists: [] }],
        mkfsXfs: null,
      },
      to(),
    )
    expect(r.status).toBe('warn')
    expect(r.summary).toContain('unknown/unavailable method for expanding the xfs filesystem')
    expect(r.fix).toBe('sudo apt-get install -y libguestfs-xfs')
  })

  it('is ok with the XFS package list and mkfs.xfs, and fails without the appliance', () => {
    const dir = '/usr/lib64/guestfs/supermin.d'
    expect(
      v.xfsVerdict(
        { applianceDirs: [{ dir, xfsLists: ['zz-packages-xfs'] }], mkfsXfs: '/sbin/mkfs.xfs' },
        to(),
      ).status,
    ).toBe('ok')
    const none = v.xfsVerdict({ applianceDirs: [], mkfsXfs: null }, to())
    expect(none.status).toBe('fail')
    expect(none.fix).toBe('sudo apt-get install -y libguestfs-tools libguestfs-xfs')
  })
})

describe('memory and disk', () => {
  it.each([
    [20, 'ok'],
    [8, 'warn'],
    [3, 'fail'],
  ])('%i GiB available → %s', (gib, status) => {
    const r = v.memoryVerdict({ totalKiB: 24 * 1024 * 1024, availableKiB: gib * 1024 * 1024 }, to())
    expect(r.status).toBe(status)
    expect(r.evidence[0]).toBe(`MemTotal 24.0 GiB, MemAvailable ${gib}.0 GiB`)
  })

  it('is not checked for a remote connection, and says so when /proc/meminfo cannot be read', () => {
    const remote = v.memoryVerdict(null, to({ uri: 'qemu+ssh://root@lab.example.com/system' }))
    expect(remote.status).toBe('warn')
    expect(remote.summary).toMatch(/remote/)
    expect(v.memoryVerdict({ totalKiB: null, availableKiB: null }, to()).summary).toBe(
      'Could not read /proc/meminfo',
    )
  })

  it('measures a directory not made yet where it will be made, and phrases the fix for its path', () => {
    const imagesDir = '/srv/my images'
    const r = v.diskVerdict({ imagesDir, measuredAt: '/srv', freeBytes: 12 * GiB }, to())
    expect(r.status).toBe('warn')
    expect(r.evidence[0]).toBe('free space in /srv/my images (not created yet; measured at /srv): 12.0 GiB')
    expect(r.fix).toBe("du -sh '/srv/my images'/* | sort -h")
    expect(v.diskVerdict({ imagesDir, measuredAt: imagesDir, freeBytes: 40 * GiB }, to()).status).toBe('ok')
    expect(v.diskVerdict({ imagesDir, measuredAt: null, freeBytes: 0 }, to()).status).toBe('fail')
    expect(v.diskVerdict(null, to()).summary).toMatch(/remote host/)
  })
})

describe('libvirt-dependent checks', () => {
  it('tells a stopped daemon apart from missing permission', () => {
    expect(v.connectionVerdict(down('unreachable', 'Failed to connect socket'), to()).fix).toBe(
      'sudo systemctl enable --now libvirtd',
    )
    const denied = down('permission', 'Permission denied')
    expect(v.connectionVerdict(denied, to()).fix).toBe('sudo usermod -aG libvirt alice && newgrp libvirt')
    expect(v.accessVerdict(denied, ['alice'], to()).status).toBe('fail')
  })

  it('skips the checks that need a daemon that is not there, naming the failed one, instead of failing them', () => {
    const gone = down('unreachable', 'Failed to connect socket to /var/run/libvirt/libvirt-sock')
    expect(v.connectionVerdict(gone, to()).status).toBe('fail')
    for (const r of [
      v.accessVerdict(gone, ['alice', 'libvirt'], to()),
      v.defaultNetworkVerdict(gone, to()),
    ]) {
      expect(r.status, r.summary).toBe('skip')
      expect(r.blockedBy).toBe('libvirt-connection')
      expect(r.fix).toBeUndefined()
    }
    // What is known without the daemon is still said: a user outside the libvirt group gets the warning.
    expect(v.accessVerdict(gone, ['alice'], to()).status).toBe('warn')
    // Refused access is a failure of its own, not a skip; so are networks a reachable libvirt would not list.
    expect(v.accessVerdict(down('permission', 'Permission denied'), ['alice'], to()).status).toBe('fail')
    const unlisted = v.defaultNetworkVerdict(reachable({ networks: null }), to())
    expect(unlisted.status).toBe('fail')
    expect(unlisted.blockedBy).toBeUndefined()
  })

  it('names the host of a refused SSH host key, an IPv6 address as ssh takes it', () => {
    const uri = 'qemu+ssh://root@[fd00::5]:2222/system'
    const r = v.connectionVerdict(down('host-key', 'Host key verification failed'), to({ uri }))
    expect(r.summary).toBe(
      'The SSH host key of fd00::5 is unknown or has changed, so the connection was refused',
    )
    expect(r.fix).toBe('ssh -p 2222 root@fd00::5 true')
    expect(v.connectionVerdict(down('unreachable', 'x'), to({ uri })).fix).toBe(
      'ssh -p 2222 root@fd00::5 sudo systemctl enable --now libvirtd',
    )
  })

  it('gives the commands to start, or to define, the default network on this connection', () => {
    const inactive = v.defaultNetworkVerdict(
      reachable({ networks: { all: ['default', 'lab'], active: ['lab'] } }),
      to(),
    )
    expect(inactive.status).toBe('warn')
    expect(inactive.evidence).toEqual(['networks: default (inactive), lab (active)'])
    expect(inactive.fix).toBe(
      'virsh -c qemu:///system net-start default && virsh -c qemu:///system net-autostart default',
    )
    const missing = v.defaultNetworkVerdict(
      reachable({ networks: { all: [], active: [] } }),
      to({ uri: 'test+unix:///default?socket=/tmp/s' }),
    )
    expect(missing.status).toBe('fail')
    expect(missing.fix).toContain(
      "virsh -c 'test+unix:///default?socket=/tmp/s' net-define /usr/share/libvirt/networks/default.xml",
    )
  })
})

describe('what the verdicts say, in both languages', () => {
  // One outcome of every kind the verdicts give, failing and passing alike.
  const outcomes = (): v.CheckOutcome[] => [
    v.connectionVerdict(reachable(), to()),
    ...(['tool-missing', 'unreachable', 'permission', 'host-key', 'no-driver', 'other'] as const).map((k) =>
      v.connectionVerdict(down(k, 'error: x'), to({ uri: 'qemu+ssh://root@lab-host/system' })),
    ),
    v.accessVerdict(reachable(), ['libvirt'], to({ uid: 0 })),
    v.accessVerdict(down('permission', 'denied'), [], to()),
    v.accessVerdict(down('unreachable', 'gone'), [], to()),
    v.kvmVerdict(reachable(), amdNone, { present: false, writable: false, pvm: false }, to()),
    v.kvmVerdict(reachable(), intel, { present: true, writable: false, pvm: false }, to()),
    v.cpuFlagsVerdict(intel),
    v.cpuFlagsVerdict(amdNone),
    v.nestedVerdict(intel, { module: 'kvm_intel', value: 'Y', modprobeLines: [] }, to()),
    v.nestedVerdict(intel, { module: 'kvm_intel', value: null, modprobeLines: [] }, to()),
    v.toolsVerdict([{ tool: 'virsh', path: null }], to()),
    v.diskVerdict({ imagesDir: '/var/lib/libvirt/images', measuredAt: '/var/lib', freeBytes: 3 * GiB }, to()),
    v.memoryVerdict({ totalKiB: 4 << 20, availableKiB: 1 << 20 }, to()),
    v.defaultNetworkVerdict(reachable({ networks: { all: ['default'], active: [] } }), to()),
  ]

  /** A sentence the verdict sent, as the renderer says it (an unknown key fails the test). */
  const said = (lang: 'en' | 'ko', s: Said) => {
    const key = `preflight.says.${s.key}`
    if (!isMessageKey(key)) throw new Error(`the catalogs have no ${key}`)
    return translate(lang, key, s.params)
  }

  it('carries each summary and hint as keys that give the same English sentence', () => {
    for (const o of outcomes()) {
      expect(o.says.summary.length, o.summary).toBeGreaterThan(0)
      expect(o.says.summary.map((s) => said('en', s)).join(' ')).toBe(o.summary)
      expect(o.says.hint.map((s) => said('en', s)).join(' ') || undefined).toBe(o.hint)
    }
  })

  it('says each of them in Korean with every placeholder filled', () => {
    for (const o of outcomes()) {
      for (const s of [...o.says.summary, ...o.says.hint]) {
        const ko = said('ko', s)
        expect(ko, s.key).not.toMatch(/\{\w+\}/)
        expect(ko, s.key).toMatch(/[가-힣]/)
        expect(ko, s.key).not.toBe(said('en', s))
      }
    }
  })
})
