// Node preparation and answer-file settings per preset and OS family (issue #13 items 1 and 2): what goes
// into each node's disk (network files in the family's own format, locale, RabbitMQ drop-in, SELinux,
// firewalld, NetworkManager), the repositories each node gets over SSH, Nova's virt type from the check
// inside the compute node, Neutron per release, and the preset facts a learner reads.
import { describe, expect, it } from 'vitest'
import { computeNodes, labAnswerFields, networkingFields } from '../../src-main/engine/install/answers-store'
import {
  nodePrepCommands,
  packstackSetupCommands,
  parseVirtProbe,
  repositorySet,
} from '../../src-main/engine/install/remote'
import { checkAnswers } from '../../src-main/engine/packstack/check'
import { encodeFields, readAnswerText, updateAnswerText } from '../../src-main/engine/packstack/answers'
import {
  customizeCommands,
  ENVIRONMENT_FILE,
  guestFiles,
  nicPlans,
  nmKeyfile,
  RABBITMQ_DROPIN,
} from '../../src-main/engine/provision/guest-config'
import { translateCommand } from '../../src-main/engine/provision/guestfish'
import { presetHeader, presetList } from '../../src-main/cli/presets'
import { translate } from '../../src-renderer/src/i18n'
import {
  defaultLab,
  DEFAULT_PRESET,
  LabDefinition,
  PRESETS,
  presetById,
  type LabState,
  type OsFamily,
} from '../../src-shared/lab'
import { FACTS, RELEASES, releaseInfo } from '../../src-shared/lifecycle'
import { ANSWER_KEYS } from '../../src-shared/packstack'

const macs = ['52:54:00:aa:00:01', '52:54:00:aa:00:02']

function labOn(presetId: string, release?: string) {
  return LabDefinition.parse(defaultLab('lab1', presetId, release))
}

function commandsFor(family: OsFamily, eol: boolean) {
  const lab = labOn(DEFAULT_PRESET)
  const node = lab.nodes[0]!
  const files = guestFiles(lab, node, family, macs)
  const uploads = new Map([...files.keys()].map((g, i) => [g, `/tmp/x/file-${i}`]))
  return {
    files,
    cmds: customizeCommands({
      lab,
      node,
      family,
      eol,
      uploads,
      authorizedKeyFile: '/tmp/x/lab.pub',
      hostKeyFiles: [],
      passwordFile: '/tmp/x/pw',
    }),
  }
}

describe('presets', () => {
  it('starts new labs on CentOS Stream 9 with Epoxy, from the centosstream-9 template', () => {
    const lab = labOn(DEFAULT_PRESET)
    expect(lab.preset).toBe('centos-stream-9')
    expect(lab.release).toBe('epoxy')
    const p = presetById(lab.preset)!
    expect(p.template).toBe('centosstream-9')
    expect(p.releases).toEqual(['epoxy', 'dalmatian', 'caracal'])
    expect(p.archived).toBe(false)
  })

  it('keeps CentOS 7.9 and Stream 8 as archived presets, with their end-of-life facts', () => {
    expect(presetById('centos-7.9')).toMatchObject({ archived: true, eol: true, facts: ['centos7-eol'] })
    expect(presetById('centos-stream-8')).toMatchObject({ archived: true, eol: true, facts: ['stream8-eol'] })
    expect(FACTS['centos7-eol'].date).toBe('2024-06-30')
    expect(FACTS['stream8-eol'].date).toBe('2024-05-31')
    expect(FACTS['stream9-end'].date).toBe('2027-05-31')
    expect(FACTS['epoxy-unmaintained'].date).toBe('2026-10-02')
    expect(releaseInfo('epoxy')!.facts).toEqual(['rdo-last-release', 'epoxy-unmaintained'])
  })

  it('offers AlmaLinux 9 only from its cloud image (virt-builder has no template for it)', () => {
    expect(PRESETS.map((p) => [p.id, p.template])).toEqual([
      ['centos-stream-9', 'centosstream-9'],
      ['almalinux-9', null],
      ['centos-7.9', 'centos-7.8'],
      ['centos-stream-8', 'centosstream-8'],
      ['debian-12', 'debian-12'],
      ['debian-12-openstack', 'debian-12-openstack'],
      ['debian-12-stacklab', 'debian-12-stacklab'],
    ])
    const alma = presetById('almalinux-9')!
    expect(alma).toMatchObject({
      osFamily: 'rhel9',
      archived: false,
      releases: ['epoxy', 'dalmatian', 'caracal'],
    })
    expect(alma.cloudImage).toMatchObject({
      url: 'https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2',
      checksumUrl: 'https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM',
    })
    expect(presetById('centos-stream-9')!.cloudImage).toMatchObject({
      url: 'https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2',
      checksumUrl:
        'https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2.SHA256SUM',
    })
  })

  it('knows every release a preset offers, and every fact has its text in both languages', () => {
    for (const p of PRESETS) for (const r of p.releases) expect(RELEASES[r], `${p.id}/${r}`).toBeDefined()
    for (const fact of Object.values(FACTS)) {
      const key = `lifecycle.${fact.id}` as Parameters<typeof translate>[1]
      // The English catalog says exactly what the CLI prints.
      expect(translate('en', key, { date: fact.date })).toBe(fact.text)
      const ko = translate('ko', key, { date: fact.date })
      expect(ko).toContain(fact.date)
      expect(ko).not.toBe(fact.text)
    }
    for (const p of PRESETS) {
      const key = `preset.${p.id}` as Parameters<typeof translate>[1]
      expect(translate('en', key)).toBe(p.label)
      expect(translate('ko', key)).not.toBe(key)
    }
  })

  it('says what a choice means in the CLI header and list', () => {
    const header = presetHeader(presetById('centos-stream-9')!, 'epoxy')
    expect(
      header
        .split('\n')
        .filter(Boolean)
        .every((l) => l.startsWith('#')),
    ).toBe(true)
    expect(header).toContain('2027-05-31')
    expect(header).toContain('unmaintained upstream on 2026-10-02')
    expect(header).toContain('last release RDO packages')
    // The published cloud image, ready to uncomment (CentOS), or already the lab's base (AlmaLinux).
    expect(header).toContain(
      '# Or a cloud image, CentOS Stream 9 GenericCloud (latest, published by CentOS): add\n# image:\n#   url: https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2\n',
    )
    expect(presetHeader(presetById('almalinux-9')!, 'epoxy')).toMatch(
      /^# Base image: a cloud image \(image: below; virt-builder has no template for this OS\)/m,
    )
    const list = presetList()
    expect(list).toMatch(
      /^almalinux-9 {2}AlmaLinux 9 .*\(cloud image only\)\n.*\n.*\n {4}cloud image: https:\/\/repo\.almalinux\.org/m,
    )
    expect(list).toMatch(/^centos-7\.9 {2}\[archived\]/m)
    expect(list).toMatch(/^centos-stream-8 {2}\[archived\]/m)
    expect(list.indexOf('centos-stream-9')).toBeLessThan(list.indexOf('centos-7.9'))
  })
})

describe('node files per OS family', () => {
  const lab = labOn(DEFAULT_PRESET)
  const node = lab.nodes[0]!

  it('EL7: ifcfg files, no NetworkManager keyfiles', () => {
    const keys = [...guestFiles(lab, node, 'rhel7', macs).keys()]
    expect(keys).toContain('/etc/sysconfig/network-scripts/ifcfg-eth0')
    expect(keys.some((k) => k.includes('NetworkManager'))).toBe(false)
  })

  it.each(['rhel8', 'rhel9'] as const)('%s: NetworkManager keyfiles bound to the MAC, no ifcfg', (family) => {
    const files = guestFiles(lab, node, family, macs)
    const keys = [...files.keys()]
    expect(keys.some((k) => k.startsWith('/etc/sysconfig/network-scripts/'))).toBe(false)
    const nat = files.get('/etc/NetworkManager/system-connections/stacklab-eth0.nmconnection')!
    expect(nat).toContain('[ethernet]\nmac-address=52:54:00:aa:00:01\n')
    expect(nat).toContain('method=manual\naddress1=192.168.122.100/24,192.168.122.1\ndns=192.168.122.1;')
    // No interface name: it holds whether the guest calls the NIC eth0 or enp1s0.
    expect(nat).not.toContain('interface-name')
    const internal = files.get('/etc/NetworkManager/system-connections/stacklab-eth1.nmconnection')!
    expect(internal).toContain('address1=192.168.90.100/24\nnever-default=true')
  })

  it.each(['rhel7', 'rhel8', 'rhel9'] as const)(
    '%s: FQDN, /etc/hosts, English locale, RabbitMQ after the network',
    (family) => {
      const files = guestFiles(lab, node, family, macs)
      expect(files.get('/etc/hosts')).toContain('192.168.122.100 controller.example.com controller')
      expect(files.get('/etc/environment')).toBe('LANG=en_US.utf-8\nLC_ALL=en_US.utf-8\n')
      expect(files.get(RABBITMQ_DROPIN)).toContain(
        '[Unit]\nWants=network-online.target\nAfter=network-online.target\n',
      )
      const { cmds } = commandsFor(family, false)
      expect(cmds).toContain('hostname controller.example.com')
    },
  )

  it('Debian (the offline test template) gets neither the locale nor the drop-in: nothing of packstack runs there', () => {
    const files = guestFiles(lab, node, 'debian', macs)
    expect([...files.keys()].sort()).toEqual(['/etc/hosts', '/etc/network/interfaces', '/etc/resolv.conf'])
    expect(ENVIRONMENT_FILE).toContain('LC_ALL=en_US.utf-8')
  })

  it('EL7 turns NetworkManager off; EL8/EL9 keep it and wait for it; all: SELinux permissive, firewalld off', () => {
    const el7 = commandsFor('rhel7', true).cmds
    expect(el7).toContain('run-command systemctl disable NetworkManager || true')
    expect(el7).toContain('run-command systemctl enable network || true')
    for (const family of ['rhel8', 'rhel9'] as const) {
      const { cmds } = commandsFor(family, false)
      expect(cmds.some((c) => /disable .*NetworkManager/.test(c))).toBe(false)
      expect(cmds).toContain('run-command systemctl enable NetworkManager NetworkManager-wait-online || true')
      expect(cmds.some((c) => c.includes('enable network '))).toBe(false)
      // NetworkManager ignores keyfiles others can read.
      const key = '/etc/NetworkManager/system-connections/stacklab-eth0.nmconnection'
      expect(cmds.indexOf(`chmod 0600:${key}`)).toBe(cmds.indexOf(`upload /tmp/x/file-2:${key}`) + 1)
    }
    for (const family of ['rhel7', 'rhel8', 'rhel9'] as const) {
      const { cmds } = commandsFor(family, family === 'rhel7')
      expect(cmds).toContain('edit /etc/selinux/config:s/^SELINUX=.*/SELINUX=permissive/')
      expect(cmds).toContain('run-command systemctl disable firewalld || true')
      // The drop-in's folder exists before the upload (RabbitMQ is not installed yet).
      const mk = cmds.indexOf('run-command mkdir -p /etc/systemd/system/rabbitmq-server.service.d')
      expect(mk).toBeGreaterThan(-1)
      expect(mk).toBeLessThan(cmds.findIndex((c) => c.endsWith(`:${RABBITMQ_DROPIN}`)))
      // Every line has a guestfish translation (the one-appliance path).
      for (const line of cmds) expect(translateCommand(line).length, line).toBeGreaterThan(0)
    }
  })

  it('writes a keyfile with no gateway line for an internal NIC', () => {
    const nics = nicPlans(lab, node, macs)
    expect(nmKeyfile(nics[1]!)).not.toMatch(/dns=|,192\.168\.90\.1/)
  })
})

describe('repositories per OS family (over SSH, on every node)', () => {
  it('EL9: CRB, no EPEL, mariadb module off, the release package; recorded as a set', () => {
    const repos = repositorySet('rhel9', 'epoxy', false)
    expect(repos).toEqual({
      releasePackage: 'centos-release-openstack-epoxy',
      enabled: ['crb'],
      removed: ['epel'],
      modulesDisabled: ['mariadb'],
      vault: false,
    })
    const cmds = nodePrepCommands('rhel9', repos)
    // config-manager is a plugin: installed first, then used.
    expect(cmds.slice(0, 2)).toEqual([
      'dnf install -y dnf-plugins-core',
      'dnf config-manager --set-enabled crb',
    ])
    expect(cmds).toContain('dnf module disable -y mariadb')
    // The locale /etc/environment names exists (EL9 splits langpacks out of glibc).
    expect(cmds).toContain('dnf install -y glibc-langpack-en')
    expect(cmds.at(-1)).toBe('dnf install -y centos-release-openstack-epoxy')
    // The module is disabled before any RDO package can pull MariaDB in.
    expect(cmds.indexOf('dnf module disable -y mariadb')).toBeLessThan(cmds.length - 1)
    expect(cmds.some((c) => /install -y epel/.test(c))).toBe(false)
    expect(cmds.some((c) => c.includes('vault.centos.org'))).toBe(false)
  })

  it('EL8: powertools, no mariadb module change; EL7: yum, the vault before and after the release package', () => {
    const el8 = nodePrepCommands('rhel8', repositorySet('rhel8', 'yoga', true))
    expect(el8).toContain('dnf config-manager --set-enabled powertools')
    // On an archived OS the vault comes first, so even the plugin can be installed.
    expect(el8.indexOf('dnf install -y dnf-plugins-core')).toBeGreaterThan(
      el8.findIndex((c) => c.includes('vault')),
    )
    expect(el8.some((c) => c.includes('module disable'))).toBe(false)
    const el7 = nodePrepCommands('rhel7', repositorySet('rhel7', 'train', true))
    expect(el7.filter((c) => c.includes('vault.centos.org'))).toHaveLength(2)
    expect(el7).toContain('yum install -y centos-release-openstack-train')
    expect(el7.some((c) => c.startsWith('dnf '))).toBe(false)
    expect(el8).toContain('dnf install -y glibc-langpack-en')
  })

  it('packstack itself only on the controller: the node commands plus the package; nothing on Debian', () => {
    const repos = repositorySet('rhel9', 'dalmatian', false)
    expect(packstackSetupCommands('rhel9', 'dalmatian', false)).toEqual([
      ...nodePrepCommands('rhel9', repos),
      'dnf install -y openstack-packstack',
    ])
    expect(repositorySet('debian', 'test', false)).toBeNull()
    expect(nodePrepCommands('debian', null)).toEqual([])
  })

  it('no command carries a secret, and the release name comes only from the checked lab', () => {
    // The schema refuses a release a preset does not offer, so nothing else reaches the command line.
    expect(LabDefinition.safeParse({ ...defaultLab(), release: 'epoxy; rm -rf /' }).success).toBe(false)
    for (const p of PRESETS)
      for (const r of p.releases)
        for (const c of packstackSetupCommands(p.osFamily, r, p.eol)) expect(c).not.toMatch(/pass|PW/i)
  })
})

describe('Nova virt type from the check inside the compute node', () => {
  it('reads the probe: kvm only with vmx/svm flags and /dev/kvm', () => {
    expect(parseVirtProbe('8\ndev-kvm\n')).toEqual({ cpuFlags: 8, devKvm: true, kvm: true })
    expect(parseVirtProbe('0\ndev-kvm\n').kvm).toBe(false) // this machine's case: kvm_pvm, no vmx/svm
    expect(parseVirtProbe('4\nno-dev-kvm\n').kvm).toBe(false)
    expect(parseVirtProbe('').kvm).toBe(false)
    expect(parseVirtProbe('grep: /proc/cpuinfo: No such file\ndev-kvm').kvm).toBe(false)
  })

  const definition = labOn(DEFAULT_PRESET)
  const state = { definition, virtType: 'kvm' } as LabState

  it('says kvm only when every compute node passed the check; qemu otherwise, whatever the host has', () => {
    expect(computeNodes(state).map((n) => n.name)).toEqual(['compute'])
    expect(labAnswerFields(state, 'pw', { compute: true }).novaVirtType).toBe('kvm')
    expect(labAnswerFields(state, 'pw', { compute: false }).novaVirtType).toBe('qemu')
    expect(labAnswerFields(state, 'pw').novaVirtType).toBe('qemu')
    // All-in-one: the controller is the compute host, and its own check decides.
    const aio = { ...state, definition: { ...definition, nodes: definition.nodes.slice(0, 1) } }
    expect(labAnswerFields(aio, 'pw', { controller: true }).novaVirtType).toBe('kvm')
    expect(labAnswerFields(aio, 'pw', { compute: true }).novaVirtType).toBe('qemu')
  })
})

describe('Neutron per release in the answer file', () => {
  // Keys and value lists from packstack's docs/packstack.rst: "Neutron ML2 plugin config"
  // (CONFIG_NEUTRON_ML2_TYPE_DRIVERS: local, flat, vlan, gre, vxlan, geneve; TENANT_NETWORK_TYPES: local,
  // vlan, gre, vxlan, geneve; MECHANISM_DRIVERS incl. openvswitch, ovn; CONFIG_NEUTRON_L2_AGENT: linuxbridge,
  // openvswitch, ovn), "Neutron OVN agent config" (CONFIG_NEUTRON_OVN_BRIDGE_MAPPINGS
  // <physical_network>:<ovs_bridge>, CONFIG_NEUTRON_OVN_EXTERNAL_PHYSNET one of the mappings' names) and
  // "Neutron OVS agent config" (the same for OVS).
  it.each(['epoxy', 'dalmatian', 'caracal', 'yoga', 'ussuri'])(
    '%s: ML2/OVN with geneve, NAT network on br-ex',
    (r) => {
      const text = updateAnswerText('[general]\n', networkingFields(r))
      expect(text).toContain('CONFIG_NEUTRON_L2_AGENT=ovn\n')
      expect(text).toContain('CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS=ovn\n')
      expect(text).toContain('CONFIG_NEUTRON_ML2_TYPE_DRIVERS=geneve,flat\n')
      expect(text).toContain('CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES=geneve\n')
      expect(text).toContain('CONFIG_NEUTRON_OVN_BRIDGE_MAPPINGS=extnet:br-ex\n')
      expect(text).toContain('CONFIG_NEUTRON_OVN_EXTERNAL_PHYSNET=extnet\n')
      expect(text).not.toMatch(/linuxbridge|OVS_/)
    },
  )

  it.each(['train', 'queens', 'pike'])('%s (CentOS 7): Open vSwitch with VXLAN, never linuxbridge', (r) => {
    const text = updateAnswerText('[general]\n', networkingFields(r))
    expect(text).toContain('CONFIG_NEUTRON_L2_AGENT=openvswitch\n')
    expect(text).toContain('CONFIG_NEUTRON_ML2_TYPE_DRIVERS=vxlan,flat\n')
    expect(text).toContain('CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES=vxlan\n')
    expect(text).toContain('CONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS=extnet:br-ex\n')
    expect(text).toContain('CONFIG_NEUTRON_OVS_EXTERNAL_PHYSNET=extnet\n')
    expect(text).not.toMatch(/linuxbridge|OVN_/)
  })

  it('reads back what it wrote, on a file packstack generated', () => {
    const fields = readAnswerText(
      updateAnswerText('[general]\nCONFIG_NEUTRON_L2_AGENT=openvswitch\n', networkingFields('epoxy')),
    ).fields
    expect(fields).toMatchObject(networkingFields('epoxy'))
  })

  it('refuses ML2 values packstack does not list, and a bad physnet, naming the key', () => {
    const { issues } = encodeFields({
      ml2TypeDrivers: ['geneve', 'linux-bridge'],
      ml2TenantNetworkTypes: ['flat'], // flat is a type driver, never a tenant network type
      ml2MechanismDrivers: [],
      ovnExternalPhysnet: 'ext net',
    })
    expect(issues.map((i) => i.path)).toEqual([
      ANSWER_KEYS.ovnExternalPhysnet,
      ANSWER_KEYS.ml2TypeDrivers,
      ANSWER_KEYS.ml2TenantNetworkTypes,
      ANSWER_KEYS.ml2MechanismDrivers,
    ])
    expect(issues[1]!.message).toMatch(/linux-bridge is not one of packstack's choices/)
    expect(() => updateAnswerText('[general]\n', { ml2TypeDrivers: ['geneve\nCONFIG_X=y'] })).toThrow(
      /CONFIG_NEUTRON_ML2_TYPE_DRIVERS/,
    )
  })

  it('refuses linuxbridge on Epoxy (removed in 2025.1), allows it on an old release', () => {
    const check = (release: string, presetId: string) => {
      const definition = labOn(presetId, release)
      const fields = {
        ...labAnswerFields({ definition, virtType: 'qemu' } as LabState, 'pw'),
        l2Agent: 'linuxbridge',
      }
      return checkAnswers(fields, { definition }).filter((p) => p.key === ANSWER_KEYS.l2Agent)
    }
    const epoxy = check('epoxy', 'centos-stream-9')
    expect(epoxy.map((p) => p.severity)).toEqual(['error'])
    expect(epoxy[0]!.message).toMatch(/removed from Neutron in 2025\.1/)
    expect(check('caracal', 'centos-stream-9')).toEqual([])
    expect(check('train', 'centos-7.9')).toEqual([])
  })
})
