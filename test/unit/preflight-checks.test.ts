// Host checks against fixture trees (a fake /proc, /sys, /etc, /dev under a temp root), so each case the
// seeds describe (no vmx/svm, nested off, the "option" typo, no XFS, low memory) is pinned down.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as checks from '../../src-main/engine/preflight/checks'
import type { LibvirtProbe, PreflightContext } from '../../src-main/engine/preflight/checks'
import { detectDistro, type HostView } from '../../src-main/engine/preflight/host'
import { createRun } from '../../src-main/engine/exec'
import { nullLogger } from '../../src-main/engine/log'
import { createVirsh } from '../../src-main/engine/libvirt/virsh'
import { domainTypesOf } from '../../src-main/engine/preflight/checks'
import { tempDir } from '../helpers'

let t: ReturnType<typeof tempDir>
beforeEach(() => (t = tempDir()))
afterEach(() => t.cleanup())

function put(path: string, content: string, mode?: number) {
  const full = join(t.dir, path)
  mkdirSync(dirname(full), { recursive: true })
  writeFileSync(full, content)
  if (mode !== undefined) chmodSync(full, mode)
}

const INTEL_VMX =
  'vendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse vmx sse2\n\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme vmx\n'
const AMD_NONE = 'vendor_id\t: AuthenticAMD\nflags\t\t: fpu vme de pse sse2\n'
const MEMINFO = (availGiB: number) =>
  `MemTotal:       ${24 * 1024 * 1024} kB\nMemFree: 1 kB\nMemAvailable:   ${availGiB * 1024 * 1024} kB\n`

const reachable = (over: Partial<LibvirtProbe> = {}): LibvirtProbe => ({
  reachable: true,
  errorKind: null,
  detail: '',
  version: ['Running hypervisor: QEMU 7.2.0'],
  domainTypes: ['kvm', 'qemu'],
  networks: { all: ['default'], active: ['default'] },
  ...over,
})

async function ctx(
  over: { probe?: LibvirtProbe; uid?: number; path?: string; uri?: string } = {},
): Promise<PreflightContext> {
  const host: HostView = {
    root: t.dir,
    path: over.path ?? join(t.dir, 'bin'),
    uid: over.uid ?? 1000,
    user: 'alice',
  }
  const uri = over.uri ?? 'qemu:///system'
  return {
    uri,
    host,
    distro: await detectDistro(host),
    virsh: createVirsh(createRun(nullLogger), uri),
    imagesDir: t.dir,
    probe: Promise.resolve(over.probe ?? reachable()),
    cpu: checks.readCpu(host),
  }
}

describe('CPU flags and KVM', () => {
  it('counts vmx lines like egrep -c and reports ok', async () => {
    put('proc/cpuinfo', INTEL_VMX)
    const r = await checks.checkCpuFlags(await ctx())
    expect(r.status).toBe('ok')
    expect(r.evidence[0]).toContain('→ 2')
  })

  it('warns without vmx/svm, as in the seed: guests use qemu', async () => {
    put('proc/cpuinfo', AMD_NONE)
    const r = await checks.checkCpuFlags(await ctx())
    expect(r.status).toBe('warn')
    expect(r.evidence[0]).toContain('→ 0')
  })

  it('says KVM works only with the device, the flag, and libvirt offering kvm', async () => {
    put('proc/cpuinfo', INTEL_VMX)
    put('dev/kvm', '')
    const good = await checks.checkKvm(await ctx())
    expect(good.status).toBe('ok')
    const noKvmInLibvirt = await checks.checkKvm(await ctx({ probe: reachable({ domainTypes: ['qemu'] }) }))
    expect(noKvmInLibvirt.status).toBe('warn')
    expect(noKvmInLibvirt.summary).toMatch(/QEMU software emulation/)
  })

  it('falls back to QEMU emulation, without failing, when /dev/kvm is missing', async () => {
    put('proc/cpuinfo', INTEL_VMX)
    const r = await checks.checkKvm(await ctx())
    expect(r.status).toBe('warn')
    expect(r.fix).toBe('sudo modprobe kvm_intel')
  })

  it('recognises kvm_pvm, whose /dev/kvm cannot run ordinary guests', async () => {
    put('proc/cpuinfo', AMD_NONE)
    put('dev/kvm', '')
    mkdirSync(join(t.dir, 'sys/module/kvm_pvm'), { recursive: true })
    const r = await checks.checkKvm(await ctx())
    expect(r.status).toBe('warn')
    expect(r.evidence.join('\n')).toMatch(/kvm_pvm/)
  })
})

describe('nested virtualization', () => {
  it('is ok when the module parameter is Y and modprobe.d keeps it', async () => {
    put('proc/cpuinfo', INTEL_VMX)
    put('sys/module/kvm_intel/parameters/nested', 'Y\n')
    put('etc/modprobe.d/kvm.conf', 'options kvm_intel nested=1\n')
    const r = await checks.checkNested(await ctx())
    expect(r.status).toBe('ok')
    expect(r.summary).not.toMatch(/after reboot/)
  })

  it('warns when off, points out the seed\'s "option" typo, and gives the right line', async () => {
    put('proc/cpuinfo', INTEL_VMX)
    put('sys/module/kvm_intel/parameters/nested', 'N\n')
    put('etc/modprobe.d/nested.conf', 'option kvm_intel nested=Y\n')
    const r = await checks.checkNested(await ctx())
    expect(r.status).toBe('warn')
    expect(r.evidence.join('\n')).toMatch(/is ignored: the keyword is "options"/)
    expect(r.fix).toContain("echo 'options kvm_intel nested=1' | sudo tee /etc/modprobe.d/kvm-nested.conf")
    expect(r.fix).toContain('sudo modprobe -r kvm_intel && sudo modprobe kvm_intel')
  })

  it('uses kvm_amd on AMD hosts', async () => {
    put('proc/cpuinfo', 'vendor_id\t: AuthenticAMD\nflags\t\t: svm\n')
    put('sys/module/kvm_amd/parameters/nested', '0\n')
    const r = await checks.checkNested(await ctx({ uid: 0 }))
    expect(r.fix).toContain("echo 'options kvm_amd nested=1' | tee")
  })
})

describe('tools and XFS', () => {
  it('lists missing tools and the packages that bring them on Debian', async () => {
    put('etc/os-release', 'ID=debian\nPRETTY_NAME="Debian GNU/Linux 12"\n')
    put('bin/virsh', '#!/bin/sh\n', 0o755)
    const r = await checks.checkTools(await ctx())
    expect(r.status).toBe('fail')
    expect(r.summary).toBe('Missing: virt-builder, virt-customize, qemu-img')
    expect(r.fix).toBe('sudo apt-get install -y libguestfs-tools qemu-utils')
  })

  it('uses dnf and Fedora package names on RHEL-like hosts', async () => {
    put('etc/os-release', 'ID="centos"\nID_LIKE="rhel fedora"\n')
    const r = await checks.checkTools(await ctx())
    expect(r.fix).toBe('sudo dnf install -y libvirt-client guestfs-tools qemu-img')
  })

  it("warns about the seed's virt-resize XFS error when libguestfs has no XFS", async () => {
    put('etc/os-release', 'ID=debian\n')
    put('usr/lib/x86_64-linux-gnu/guestfs/supermin.d/packages', 'bash\n')
    const r = await checks.checkXfs(await ctx({ path: join(t.dir, 'none') }))
    expect(r.status).toBe('warn')
    expect(r.summary).toContain('unknown/unavailable method for expanding the xfs filesystem')
    expect(r.fix).toBe('sudo apt-get install -y libguestfs-xfs')
  })

  it('is ok with the XFS package list and mkfs.xfs', async () => {
    put('usr/lib64/guestfs/supermin.d/zz-packages-xfs', 'xfsprogs\n')
    put('bin/mkfs.xfs', '#!/bin/sh\n', 0o755)
    expect((await checks.checkXfs(await ctx())).status).toBe('ok')
  })
})

describe('memory', () => {
  it.each([
    [20, 'ok'],
    [8, 'warn'],
    [3, 'fail'],
  ])('%i GiB available → %s', async (gib, status) => {
    put('proc/meminfo', MEMINFO(gib))
    expect((await checks.checkMemory(await ctx())).status).toBe(status)
  })
  it('is not checked locally for a remote connection', async () => {
    const r = await checks.checkMemory(await ctx({ uri: 'qemu+ssh://root@lab.example.com/system' }))
    expect(r.status).toBe('warn')
    expect(r.summary).toMatch(/remote/)
  })
})

describe('libvirt-dependent checks', () => {
  it('tells a stopped daemon apart from missing permission', async () => {
    put('etc/os-release', 'ID=debian\n')
    const down = await checks.checkConnection(
      await ctx({
        probe: {
          ...reachable(),
          reachable: false,
          errorKind: 'unreachable',
          detail: 'Failed to connect socket',
        },
      }),
    )
    expect(down.fix).toBe('sudo systemctl enable --now libvirtd')
    const denied = await ctx({
      probe: { ...reachable(), reachable: false, errorKind: 'permission', detail: 'Permission denied' },
    })
    expect((await checks.checkConnection(denied)).fix).toBe(
      'sudo usermod -aG libvirt alice && newgrp libvirt',
    )
    expect((await checks.checkAccess(denied)).status).toBe('fail')
  })

  it('gives the commands to start, or to define, the default network on this connection', async () => {
    const inactive = await checks.checkDefaultNetwork(
      await ctx({ probe: reachable({ networks: { all: ['default', 'lab'], active: ['lab'] } }) }),
    )
    expect(inactive.status).toBe('warn')
    expect(inactive.fix).toBe(
      'virsh -c qemu:///system net-start default && virsh -c qemu:///system net-autostart default',
    )
    const missing = await checks.checkDefaultNetwork(
      await ctx({
        uri: 'test+unix:///default?socket=/tmp/s',
        probe: reachable({ networks: { all: [], active: [] } }),
      }),
    )
    expect(missing.status).toBe('fail')
    expect(missing.fix).toContain(
      "virsh -c 'test+unix:///default?socket=/tmp/s' net-define /usr/share/libvirt/networks/default.xml",
    )
  })

  it('reads the domain types libvirt offers from capabilities XML', () => {
    const xml = `<capabilities><host/><guest><os_type>hvm</os_type><arch name='i686'><domain type='qemu'/></arch></guest>
      <guest><os_type>hvm</os_type><arch name='x86_64'><wordsize>64</wordsize><domain type='qemu'/><domain type='kvm'/></arch></guest></capabilities>`
    expect(domainTypesOf(xml)).toEqual(['kvm', 'qemu'])
  })
})
