// After a crash, a resume stops the tools the dead engine left working on the lab's files, and never the
// lab's own VMs (QEMU run by libvirt also names the lab's disks on its command line).
import { describe, expect, it } from 'vitest'
import { isLeftoverTool } from '../../src-main/engine/lab/leftovers'

const marks = ['/var/lib/libvirt/images/kr/', '/home/u/.local/share/stacklab/labs/kr/']

describe('isLeftoverTool', () => {
  it('matches the pipeline tools and the libguestfs appliance working on the lab', () => {
    expect(
      isLeftoverTool(
        ['virt-customize', '-a', '/var/lib/libvirt/images/kr/controller.qcow2', '--no-network'],
        marks,
      ),
    ).toBe(true)
    expect(
      isLeftoverTool(
        ['/usr/bin/qemu-img', 'create', '-f', 'qcow2', '/var/lib/libvirt/images/kr/compute.qcow2'],
        marks,
      ),
    ).toBe(true)
    expect(
      isLeftoverTool(
        [
          '/usr/bin/qemu-system-x86_64',
          '-kernel',
          '/var/tmp/.guestfs-0/appliance.d/kernel',
          '-drive',
          'file=/var/lib/libvirt/images/kr/controller.qcow2',
        ],
        marks,
      ),
    ).toBe(true)
  })
  it("never matches the lab's VMs, other labs, or unrelated programs", () => {
    expect(
      isLeftoverTool(
        [
          '/usr/bin/qemu-system-x86_64',
          '-name',
          'guest=kr-controller,debug-threads=on',
          '-blockdev',
          '{"filename":"/var/lib/libvirt/images/kr/controller.qcow2"}',
        ],
        marks,
      ),
    ).toBe(false)
    expect(
      isLeftoverTool(['virt-customize', '-a', '/var/lib/libvirt/images/kr2/controller.qcow2'], marks),
    ).toBe(false)
    expect(isLeftoverTool(['vim', '/var/lib/libvirt/images/kr/notes.txt'], marks)).toBe(false)
  })
})
