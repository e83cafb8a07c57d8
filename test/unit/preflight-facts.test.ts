// What preflight reads from a host (facts.ts), against fixture trees (a fake /proc, /sys, /etc, /dev under a
// temp root) and on text: the facts the verdicts are then judged on.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { domainTypesOf } from '../../src-main/engine/libvirt/connection'
import * as facts from '../../src-main/engine/preflight/facts'
import type { HostView } from '../../src-main/engine/preflight/host'
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

const host = (over: Partial<HostView> = {}): HostView => ({
  root: t.dir,
  path: join(t.dir, 'bin'),
  uid: 1000,
  user: 'alice',
  ...over,
})

const INTEL_VMX =
  'vendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse vmx sse2\n\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme vmx\n'

describe('CPU, KVM and nested virtualization', () => {
  it('counts vmx lines like egrep -c, and tells the vendor', async () => {
    put('proc/cpuinfo', INTEL_VMX)
    expect(await facts.readCpu(host())).toEqual({ vendor: 'intel', virtFlagLines: 2, flag: 'vmx' })
    expect(facts.cpuFactsOf('vendor_id\t: AuthenticAMD\nflags\t\t: fpu vme de pse sse2\n')).toEqual({
      vendor: 'amd',
      virtFlagLines: 0,
      flag: null,
    })
  })

  it('sees /dev/kvm and kvm_pvm', async () => {
    expect(await facts.readKvm(host())).toEqual({ present: false, writable: false, pvm: false })
    put('dev/kvm', '')
    mkdirSync(join(t.dir, 'sys/module/kvm_pvm'), { recursive: true })
    expect(await facts.readKvm(host())).toEqual({ present: true, writable: true, pvm: true })
  })

  it("reads the module's nested parameter and the modprobe.d lines that set it, not the comments", async () => {
    put('sys/module/kvm_intel/parameters/nested', 'N\n')
    put('etc/modprobe.d/nested.conf', '# options kvm_intel nested=1\noption kvm_intel nested=Y\n')
    put('etc/modprobe.d/other.txt', 'options kvm_intel nested=1\n')
    put('lib/modprobe.d/kvm.conf', 'options kvm ignore_msrs=1\n  options kvm_intel nested=1  \n')
    expect(await facts.readNested(host(), { vendor: 'intel', virtFlagLines: 1, flag: 'vmx' })).toEqual({
      module: 'kvm_intel',
      value: 'N',
      modprobeLines: [
        { file: '/etc/modprobe.d/nested.conf', line: 'option kvm_intel nested=Y' },
        { file: '/lib/modprobe.d/kvm.conf', line: 'options kvm_intel nested=1' },
      ],
    })
    const amd = await facts.readNested(host(), { vendor: 'amd', virtFlagLines: 1, flag: 'svm' })
    expect(amd.module).toBe('kvm_amd')
    expect(amd.value).toBeNull()
  })
})

describe('tools, XFS, memory, groups', () => {
  it('finds tools on PATH (executable ones only)', async () => {
    put('bin/virsh', '#!/bin/sh\n', 0o755)
    put('bin/qemu-img', 'not executable\n', 0o644)
    expect(await facts.readTools(host())).toEqual([
      { tool: 'virsh', path: join(t.dir, 'bin', 'virsh') },
      { tool: 'virt-builder', path: null },
      { tool: 'virt-customize', path: null },
      { tool: 'qemu-img', path: null },
    ])
  })

  it("lists libguestfs's appliance folders with their XFS package lists", async () => {
    put('usr/lib/x86_64-linux-gnu/guestfs/supermin.d/packages', 'bash\n')
    put('usr/lib64/guestfs/supermin.d/zz-packages-xfs', 'xfsprogs\n')
    put('bin/mkfs.xfs', '#!/bin/sh\n', 0o755)
    expect(await facts.readXfs(host())).toEqual({
      applianceDirs: [
        { dir: '/usr/lib/x86_64-linux-gnu/guestfs/supermin.d', xfsLists: [] },
        { dir: '/usr/lib64/guestfs/supermin.d', xfsLists: ['zz-packages-xfs'] },
      ],
      mkfsXfs: join(t.dir, 'bin', 'mkfs.xfs'),
    })
  })

  it('reads total and available memory, and nothing from a file without them', async () => {
    put('proc/meminfo', 'MemTotal:       25165824 kB\nMemFree: 1 kB\nMemAvailable:   8388608 kB\n')
    expect(await facts.readMemory(host())).toEqual({ totalKiB: 25165824, availableKiB: 8388608 })
    expect(facts.meminfoOf('')).toEqual({ totalKiB: null, availableKiB: null })
  })

  it('finds the groups a user is listed in, or holds by group id', async () => {
    const groupFile = 'root:x:0:\nlibvirt:x:120:bob,alice\nkvm:x:121:bob\nstaff:x:50:\n'
    expect(facts.groupsOf(groupFile, 'alice', new Set([50]))).toEqual(['libvirt', 'staff'])
    put('etc/group', groupFile)
    // In a fixture tree the process's own groups do not count.
    expect(await facts.readGroups(host())).toEqual(['libvirt'])
  })

  it('measures the nearest existing folder when the images directory is not made yet', async () => {
    const d = await facts.measureDisk(join(t.dir, 'not', 'yet'))
    expect(d.measuredAt).toBe(t.dir)
    expect(d.freeBytes).toBeGreaterThan(0)
  })
})

describe('libvirt facts', () => {
  it('reads the domain types libvirt offers for x86_64 from capabilities XML', () => {
    const xml = `<capabilities><host/><guest><os_type>hvm</os_type><arch name='i686'><domain type='qemu'/></arch></guest>
      <guest><os_type>hvm</os_type><arch name='x86_64'><wordsize>64</wordsize><domain type='qemu'/><domain type='kvm'/></arch></guest></capabilities>`
    expect(domainTypesOf(xml)).toEqual(['kvm', 'qemu'])
  })
})
