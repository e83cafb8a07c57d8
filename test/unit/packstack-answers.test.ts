// The answer-file editor on real generated answer files (test/fixtures/packstack/SOURCES.md): byte-exact
// round trips, typed reads, edits that change only their own lines, errors that name the key, and the
// check of an answer file against a lab.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src-shared/errors'
import { LabDefinition, defaultLab } from '../../src-shared/lab'
import { AnswerFields } from '../../src-shared/packstack'
import {
  parseAnswerFile,
  readAnswerText,
  renderAnswerFile,
  updateAnswerText,
} from '../../src-main/engine/packstack/answers'
import { checkAnswers, type CheckLab } from '../../src-main/engine/packstack/check'

const dir = join(__dirname, '../fixtures/packstack')
const icehouse = readFileSync(join(dir, 'answers-icehouse-allinone.txt'), 'utf8')
const generated = readFileSync(join(dir, 'answers-double-generated.txt'), 'utf8')
const lines = (text: string) => text.split(/(?<=\n)/)

/** Index pairs of lines that differ, with lines inserted in `after` reported as added. */
function lineDiff(before: string, after: string): { changed: string[]; added: string[]; removed: string[] } {
  const a = lines(before)
  const b = lines(after)
  // Only in-place changes and insertions are expected: walk both, skipping inserted lines in `after`.
  const changed: string[] = []
  const added: string[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++
      j++
    } else if (a[i]!.split('=')[0] === b[j]!.split('=')[0]) {
      changed.push(b[j]!)
      i++
      j++
    } else {
      added.push(b[j]!)
      j++
    }
  }
  added.push(...b.slice(j))
  return { changed, added, removed: a.slice(i) }
}

describe('round trip', () => {
  it.each([
    ['a real generated file (Icehouse)', icehouse],
    ["the test double's generated file", generated],
    ['CRLF line ends', icehouse.replace(/\n/g, '\r\n')],
    ['CR line ends', icehouse.replace(/\n/g, '\r')],
    ['no final newline', icehouse.replace(/\n$/, '')],
    ['mixed ends and trailing spaces', '[general]\r\n# c\n\nA = 1  \r\nB=2'],
    ['empty', ''],
  ])('%s renders byte for byte', (_, text) => {
    expect(renderAnswerFile(parseAnswerFile(text))).toBe(text)
  })

  it('an update that sets the values a key already has changes nothing', () => {
    const { fields } = readAnswerText(icehouse)
    expect(
      updateAnswerText(icehouse, {
        controllerHost: fields.controllerHost,
        computeHosts: fields.computeHosts,
      }),
    ).toBe(icehouse)
  })
})

describe('read', () => {
  it('typed fields of a real answer file', () => {
    const { fields, keys } = readAnswerText(icehouse)
    expect(keys).toBe(
      new Set([...icehouse.matchAll(/^(CONFIG_\w+|EXCLUDE_SERVERS)=/gm)].map((m) => m[1])).size,
    )
    expect(fields).toMatchObject({
      adminPassword: 'changeme',
      controllerHost: '172.16.0.1',
      computeHosts: ['172.16.0.1'],
      networkHosts: ['172.16.0.1'],
      ntpServers: [],
      provisionDemo: true,
      ovsBridgeIfaces: [],
      ovsBridgeMappings: [],
      install: {
        glance: true,
        cinder: true,
        nova: true,
        neutron: true,
        horizon: true,
        swift: true,
        heat: true,
      },
    })
    // Icehouse had no such keys yet.
    expect(fields.novaVirtType).toBeUndefined()
    expect(fields.install?.manila).toBeUndefined()
    expect(AnswerFields.safeParse(fields).success).toBe(true)
  })

  it('the generated file: placeholders, the virt-type fact, OVN mappings', () => {
    const { fields } = readAnswerText(generated)
    expect(fields.novaVirtType).toBe('%{::default_hypervisor}')
    expect(fields.l2Agent).toBe('ovn')
    expect(fields.ovnBridgeMappings).toEqual([{ physnet: 'extnet', bridge: 'br-ex' }])
    expect(fields.defaultPassword).toBe('')
  })

  it('keys are case-insensitive, `:` separates too, other sections are ignored', () => {
    const { fields } = readAnswerText(
      '[general]\nconfig_controller_host = 10.0.0.1\nCONFIG_COMPUTE_HOSTS: 10.0.0.2, 10.0.0.3\n[other]\nCONFIG_NTP_SERVERS=x\n',
    )
    expect(fields).toEqual({ controllerHost: '10.0.0.1', computeHosts: ['10.0.0.2', '10.0.0.3'] })
  })
})

describe('update', () => {
  it('changes exactly the lines of the keys it sets and appends an absent key in [general]', () => {
    const after = updateAnswerText(icehouse, {
      adminPassword: 'Secret-1',
      computeHosts: ['192.168.122.110', '192.168.122.111'],
      ntpServers: ['pool.ntp.org', '192.168.122.1'],
      provisionDemo: false,
      ovsBridgeIfaces: [{ bridge: 'br-ex', iface: 'eth1' }],
      install: { heat: false },
      novaVirtType: 'qemu',
    })
    const diff = lineDiff(icehouse, after)
    expect(diff.changed.sort()).toEqual(
      [
        'CONFIG_KEYSTONE_ADMIN_PW=Secret-1\n',
        'CONFIG_COMPUTE_HOSTS=192.168.122.110,192.168.122.111\n',
        'CONFIG_NTP_SERVERS=pool.ntp.org,192.168.122.1\n',
        'CONFIG_PROVISION_DEMO=n\n',
        'CONFIG_NEUTRON_OVS_BRIDGE_IFACES=br-ex:eth1\n',
        'CONFIG_HEAT_INSTALL=n\n',
      ].sort(),
    )
    expect(diff.added).toEqual(['CONFIG_NOVA_LIBVIRT_VIRT_TYPE=qemu\n'])
    expect(diff.removed).toEqual([])
    expect(lines(after)).toHaveLength(lines(icehouse).length + 1)
    expect(readAnswerText(after).fields).toMatchObject({
      adminPassword: 'Secret-1',
      computeHosts: ['192.168.122.110', '192.168.122.111'],
      novaVirtType: 'qemu',
      install: { heat: false, swift: true },
    })
  })

  it('keeps CRLF line ends and a missing final newline when it appends', () => {
    const text = '[general]\r\n# The controller\r\nCONFIG_CONTROLLER_HOST=10.0.0.1'
    const after = updateAnswerText(text, { novaVirtType: 'kvm', controllerHost: '10.0.0.9' })
    expect(after).toBe(
      '[general]\r\n# The controller\r\nCONFIG_CONTROLLER_HOST=10.0.0.9\r\nCONFIG_NOVA_LIBVIRT_VIRT_TYPE=kvm',
    )
  })

  it('appends before trailing blank lines of [general] and before the next section', () => {
    const text = '[general]\nA=1\n\n\n[other]\nB=2\n'
    expect(updateAnswerText(text, { provisionDemo: true })).toBe(
      '[general]\nA=1\nCONFIG_PROVISION_DEMO=y\n\n\n[other]\nB=2\n',
    )
    expect(updateAnswerText('# no section\n', { provisionDemo: true })).toBe(
      '# no section\n[general]\nCONFIG_PROVISION_DEMO=y\n',
    )
  })

  it('refuses bad values with errors that name each key, and changes nothing', () => {
    let caught: unknown
    try {
      updateAnswerText(icehouse, {
        computeHosts: ['192.168.122.110', '10.0.0.300'],
        ovsBridgeIfaces: [{ bridge: 'br-ex', iface: 'eth 1' }],
        novaVirtType: 'xen',
        adminPassword: '',
        install: { heat: true },
      })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ApiError)
    const e = caught as ApiError
    expect(e.code).toBe('bad-request')
    expect(e.issues?.map((i) => i.path).sort()).toEqual(
      [
        'CONFIG_COMPUTE_HOSTS',
        'CONFIG_KEYSTONE_ADMIN_PW',
        'CONFIG_NEUTRON_OVS_BRIDGE_IFACES',
        'CONFIG_NOVA_LIBVIRT_VIRT_TYPE',
      ].sort(),
    )
    expect(e.message).toContain('CONFIG_COMPUTE_HOSTS: 10.0.0.300 is not an IPv4 address')
    expect(e.message).toContain('CONFIG_NOVA_LIBVIRT_VIRT_TYPE: must be kvm, qemu or %{::default_hypervisor}')
    expect(() => updateAnswerText(icehouse, { ntpServers: ['bad host'] })).toThrow(/CONFIG_NTP_SERVERS/)
    expect(() => updateAnswerText(icehouse, { controllerHost: 'controller' })).toThrow(
      /CONFIG_CONTROLLER_HOST/,
    )
    expect(() => updateAnswerText(icehouse, { adminPassword: 'a\nCONFIG_X=1' })).toThrow(
      /CONFIG_KEYSTONE_ADMIN_PW/,
    )
  })
})

describe('check against a lab', () => {
  const definition = LabDefinition.parse(defaultLab('lab1'))
  const lab: CheckLab = { definition, state: { nodes: {}, virtType: 'qemu' } }
  const good = updateAnswerText(generated, {
    controllerHost: '192.168.122.100',
    computeHosts: ['192.168.122.110'],
    networkHosts: ['192.168.122.100'],
    ntpServers: ['pool.ntp.org'],
    adminPassword: 'lab-admin',
    ovnBridgeIfaces: [{ bridge: 'br-ex', iface: 'eth1' }],
    novaVirtType: 'qemu',
  })
  const check = (patch: AnswerFields, options = {}, l = lab) =>
    checkAnswers(readAnswerText(updateAnswerText(good, patch)).fields, l, options)
  const keysOf = (problems: ReturnType<typeof checkAnswers>, severity: 'error' | 'warn') =>
    problems.filter((p) => p.severity === severity).map((p) => p.key)

  it('a matching answer file has no problems', () => {
    expect(checkAnswers(readAnswerText(good).fields, lab)).toEqual([])
  })

  it('hosts must be lab nodes of the right roles', () => {
    const p = check({ controllerHost: '192.168.122.110', computeHosts: ['192.168.122.50'] })
    expect(keysOf(p, 'error')).toEqual(['CONFIG_CONTROLLER_HOST', 'CONFIG_COMPUTE_HOSTS'])
    expect(p[0]!.message).toBe(
      '192.168.122.110 is compute (compute, 192.168.122.110, 192.168.90.110), not a controller node',
    )
    expect(p[1]!.message).toBe('192.168.122.50 is not an address of a node of lab lab1')
    // The compute node not listed is a warning of its own.
    expect(keysOf(p, 'warn')).toEqual(['CONFIG_COMPUTE_HOSTS'])
  })

  it('all-in-one compute on the controller is allowed but the compute node left out is a warning', () => {
    const p = check({ computeHosts: ['192.168.122.100'] })
    expect(keysOf(p, 'error')).toEqual([])
    expect(p).toEqual([
      {
        severity: 'warn',
        key: 'CONFIG_COMPUTE_HOSTS',
        message:
          'compute (compute, 192.168.122.110, 192.168.90.110) is not listed, so packstack installs nothing for it there',
      },
    ])
  })

  it('bridge interfaces must exist on the nodes', () => {
    const p = check({ ovnBridgeIfaces: [{ bridge: 'br-ex', iface: 'eth2' }] })
    expect(p).toContainEqual({
      severity: 'error',
      key: 'CONFIG_NEUTRON_OVN_BRIDGE_IFACES',
      message: 'controller has no interface eth2 for bridge br-ex (it has eth0, eth1)',
    })
    expect(
      check(
        { ovnBridgeIfaces: [{ bridge: 'br-ex', iface: 'ens3' }] },
        { interfaces: { controller: ['ens3'] } },
      ),
    ).toEqual([])
    expect(keysOf(check({ ovnBridgeIfaces: [{ bridge: 'br-int2', iface: 'eth1' }] }), 'warn')).toEqual([
      'CONFIG_NEUTRON_OVN_BRIDGE_IFACES',
    ])
  })

  it('the admin password must be set; the placeholder needs a default password', () => {
    expect(keysOf(check({ adminPassword: 'PW_PLACEHOLDER', defaultPassword: '' }), 'error')).toEqual([
      'CONFIG_KEYSTONE_ADMIN_PW',
    ])
    expect(keysOf(check({ adminPassword: 'PW_PLACEHOLDER', defaultPassword: 'x' }), 'warn')).toEqual([
      'CONFIG_KEYSTONE_ADMIN_PW',
    ])
    const empty = checkAnswers({ ...readAnswerText(good).fields, adminPassword: '' }, lab)
    expect(keysOf(empty, 'error')).toEqual(['CONFIG_KEYSTONE_ADMIN_PW'])
  })

  it('no NTP servers is a warning', () => {
    expect(check({ ntpServers: [] })).toEqual([
      expect.objectContaining({ severity: 'warn', key: 'CONFIG_NTP_SERVERS' }),
    ])
  })

  it('kvm only where the compute node has working KVM, otherwise qemu', () => {
    const kvm = check({ novaVirtType: 'kvm' })
    expect(kvm).toEqual([
      {
        severity: 'error',
        key: 'CONFIG_NOVA_LIBVIRT_VIRT_TYPE',
        message: 'kvm needs working KVM on every compute node, and compute has none: set qemu',
      },
    ])
    expect(check({ novaVirtType: 'kvm' }, { kvm: { compute: true } })).toEqual([])
    expect(check({ novaVirtType: 'kvm' }, {}, { definition, state: { nodes: {}, virtType: 'kvm' } })).toEqual(
      [],
    )
    expect(keysOf(check({ novaVirtType: 'qemu' }, { kvm: { compute: true } }), 'warn')).toEqual([
      'CONFIG_NOVA_LIBVIRT_VIRT_TYPE',
    ])
    // packstack's default is qemu inside a VM: fine without KVM, a warning when KVM is there to use.
    expect(check({ novaVirtType: '%{::default_hypervisor}' })).toEqual([])
    expect(
      keysOf(check({ novaVirtType: '%{::default_hypervisor}' }, { kvm: { compute: true } }), 'warn'),
    ).toEqual(['CONFIG_NOVA_LIBVIRT_VIRT_TYPE'])
  })
})
