// libvirt errors are classified once, from virsh's own messages (as printed with LC_ALL=C).
import { describe, expect, it } from 'vitest'
import { classifyLibvirtMessage, libvirtDetail } from '../../src-main/engine/libvirt/errors'

describe('classifyLibvirtMessage', () => {
  const cases: [string, string][] = [
    [
      "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory",
      'unreachable',
    ],
    [
      "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied",
      'permission',
    ],
    [
      "error: authentication unavailable: no polkit agent available to authenticate action 'org.libvirt.unix.manage'",
      'permission',
    ],
    ["error: failed to get domain 'nope'", 'not-found'],
    ["error: Domain not found: no domain with matching name 'nope'", 'not-found'],
    ["error: Network not found: no network with matching name 'lab-int'", 'not-found'],
    ["error: operation failed: network 'default' already exists with uuid 1234", 'already-exists'],
    [
      'error: Failed to start network default\nerror: Requested operation is not valid: network is already active',
      'invalid-state',
    ],
    [
      'error: failed to connect to the hypervisor\nerror: no connection driver available for bogus:///system',
      'no-driver',
    ],
    ['error: something nobody has seen', 'other'],
  ]
  it.each(cases)('%s → %s', (stderr, kind) => {
    expect(classifyLibvirtMessage(stderr)).toBe(kind)
  })
  it('keeps the useful line for the user', () => {
    expect(
      libvirtDetail(
        "error: failed to connect to the hypervisor\nerror: Failed to connect socket to 'x': No such file or directory",
      ),
    ).toBe("Failed to connect socket to 'x': No such file or directory")
  })
})
