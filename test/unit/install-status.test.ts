// Reading what a lab's OpenStack says about itself: keystonerc_admin as packstack writes it, the lines of
// `openstack-service status`, and the openstack client's JSON lists, plus the answer values Stacklab
// derives from a lab and the commands that bring packstack onto each OS family.
import { describe, expect, it } from 'vitest'
import { labAnswerFields } from '../../src-main/engine/install/answers-store'
import { packstackSetupCommands } from '../../src-main/engine/install/remote'
import {
  installedUnits,
  parseApiServices,
  parseKeystonerc,
  parseServiceStatus,
  splitFramed,
} from '../../src-main/engine/install/status'
import { defaultLab, LabDefinition, type LabState } from '../../src-shared/lab'

describe('status parsing', () => {
  it('reads keystonerc_admin as packstack writes it (indented exports, single quotes)', () => {
    const rc = [
      'unset OS_SERVICE_TOKEN',
      '    export OS_USERNAME=admin',
      "    export OS_PASSWORD='s3cr'\\''et'",
      '    export OS_REGION_NAME=RegionOne',
      '    export OS_AUTH_URL=http://192.168.122.100:5000/v3',
      "    export PS1='[\\u@\\h \\W(keystone_admin)]\\$ '",
      'export OS_PROJECT_NAME=admin',
      'export OS_IDENTITY_API_VERSION=3',
    ].join('\n')
    expect(parseKeystonerc(rc)).toMatchObject({
      OS_USERNAME: 'admin',
      OS_PASSWORD: "s3cr'et",
      OS_AUTH_URL: 'http://192.168.122.100:5000/v3',
      OS_IDENTITY_API_VERSION: '3',
    })
  })

  it('reads openstack-service status lines and calls only active ok', () => {
    const out = [
      'MainPID=2211 Id=openstack-nova-api.service ActiveState=active',
      'MainPID=0 Id=openstack-nova-compute.service ActiveState=failed',
      'MainPID=0 Id=neutron-server.service ActiveState=inactive',
      'garbage line',
    ].join('\n')
    expect(parseServiceStatus(out)).toEqual([
      { name: 'openstack-nova-api', state: 'active', ok: true },
      { name: 'openstack-nova-compute', state: 'failed', ok: false },
      { name: 'neutron-server', state: 'inactive', ok: false },
    ])
  })

  it('splits the framed output of the three lists, keeping each exit status', () => {
    const out =
      '@@stacklab-begin compute\n[{"Binary": "nova-compute"}]\n@@stacklab-end 0\n' +
      '@@stacklab-begin network\nMissing value auth-url required for auth plugin password\n@@stacklab-end 1\n' +
      '@@stacklab-begin volume\n[]\n@@stacklab-end 0\n'
    expect(splitFramed(out)).toEqual([
      { kind: 'compute', body: '[{"Binary": "nova-compute"}]\n', rc: 0 },
      { kind: 'network', body: 'Missing value auth-url required for auth plugin password\n', rc: 1 },
      { kind: 'volume', body: '[]\n', rc: 0 },
    ])
  })

  it('reads the openstack client JSON lists', () => {
    const compute = JSON.stringify([
      {
        ID: 1,
        Binary: 'nova-conductor',
        Host: 'controller.example.com',
        Zone: 'internal',
        Status: 'enabled',
        State: 'up',
        'Updated At': '2026-11-22T05:00:00.000000',
      },
      {
        ID: 5,
        Binary: 'nova-compute',
        Host: 'compute.example.com',
        Zone: 'nova',
        Status: 'enabled',
        State: 'down',
        'Updated At': '2026-11-22T04:00:00.000000',
      },
    ])
    expect(parseApiServices('compute', compute).map((s) => [s.binary, s.host, s.ok])).toEqual([
      ['nova-conductor', 'controller.example.com', true],
      ['nova-compute', 'compute.example.com', false],
    ])
    const agents = JSON.stringify([
      {
        ID: 'a',
        'Agent Type': 'Open vSwitch agent',
        Host: 'compute.example.com',
        'Availability Zone': null,
        Alive: true,
        State: true,
        Binary: 'neutron-openvswitch-agent',
      },
      {
        ID: 'b',
        'Agent Type': 'L3 agent',
        Host: 'controller.example.com',
        'Availability Zone': 'nova',
        Alive: false,
        State: true,
        Binary: 'neutron-l3-agent',
      },
    ])
    expect(parseApiServices('network', agents).map((s) => [s.binary, s.ok, s.state])).toEqual([
      ['neutron-openvswitch-agent', true, 'alive, up'],
      ['neutron-l3-agent', false, 'dead, up'],
    ])
    expect(() => parseApiServices('volume', 'Missing value auth-url')).toThrow()
  })
})

describe('install inputs', () => {
  const definition = LabDefinition.parse(defaultLab('demo'))
  const state = { definition, virtType: 'qemu' } as LabState

  it('derives the answer values from the lab: hosts by role, no demo, the virt type that works', () => {
    expect(labAnswerFields(state, 'pw')).toEqual({
      adminPassword: 'pw',
      provisionDemo: false,
      controllerHost: '192.168.122.100',
      computeHosts: ['192.168.122.110'],
      networkHosts: ['192.168.122.100'],
      // The default lab is Epoxy: ML2/OVN (node-preparation.test.ts checks each release's networking).
      l2Agent: 'ovn',
      ml2MechanismDrivers: ['ovn'],
      ml2TypeDrivers: ['geneve', 'flat'],
      ml2TenantNetworkTypes: ['geneve'],
      ovnBridgeMappings: [{ physnet: 'extnet', bridge: 'br-ex' }],
      ovnExternalPhysnet: 'extnet',
      // No check inside the compute node said it has KVM: qemu.
      novaVirtType: 'qemu',
    })
    const allInOne = { ...state, definition: { ...definition, nodes: definition.nodes.slice(0, 1) } }
    expect(labAnswerFields(allInOne, 'pw').computeHosts).toEqual(['192.168.122.100'])
  })

  it('installs packstack per OS family, with the vault for end-of-life CentOS', () => {
    const c7 = packstackSetupCommands('rhel7', 'train', true)
    expect(c7).toContain('yum install -y centos-release-openstack-train')
    expect(c7.at(-1)).toBe('yum install -y openstack-packstack')
    expect(c7.filter((c) => c.includes('vault.centos.org'))).toHaveLength(2)
    expect(packstackSetupCommands('rhel9', 'caracal', false)).toEqual([
      'dnf install -y dnf-plugins-core',
      'dnf config-manager --set-enabled crb',
      'if rpm -q epel-release >/dev/null 2>&1; then dnf remove -y epel-release; fi; rm -f /etc/yum.repos.d/epel.repo /etc/yum.repos.d/epel-*.repo',
      'dnf module disable -y mariadb',
      'dnf install -y glibc-langpack-en',
      'dnf install -y centos-release-openstack-caracal',
      'dnf install -y openstack-packstack',
    ])
    expect(packstackSetupCommands('debian', 'test', false)).toEqual([])
  })
})

describe("a distribution-packages lab's units", () => {
  const state = (done: string[]) =>
    ({
      definition: LabDefinition.parse(defaultLab('lab1', 'debian-12')),
      install: { answersSaved: false, runs: [], stages: { done, current: null, failed: null, seconds: {} } },
    }) as unknown as LabState

  it('asks each node for the units of the stages done, by its role', () => {
    const s = state(['prepare', 'infra', 'keystone', 'glance', 'placement', 'nova'])
    expect(installedUnits(s, 'controller')).toEqual([
      'mariadb',
      'rabbitmq-server',
      'memcached',
      'etcd',
      'keystone',
      'glance-api',
      'placement-api',
      'nova-api',
      'nova-scheduler',
      'nova-conductor',
      'nova-novncproxy',
    ])
    expect(installedUnits(s, 'compute')).toEqual(['libvirtd', 'nova-compute'])
    expect(installedUnits(state(['prepare', 'infra']), 'compute')).toEqual([])
    expect(installedUnits(s, 'no-such-node')).toEqual([])
  })
})
