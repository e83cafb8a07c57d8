// The compute half of the distribution-packages install, as seed 004 and the install guide do it by hand:
// Nova (API, scheduler, conductor and the noVNC proxy on the controller, nova-compute with libvirt on every
// compute node, then discover_hosts) and Neutron with ML2/OVN (OVN's databases and northd with the Neutron
// server on the controller, Open vSwitch and ovn-controller on every compute node).
//
// Decided: ML2/OVN, not linuxbridge. OVN is upstream's default and what packstack installs (the lab teaches
// the same thing either way); its per-node parts are C daemons, where linuxbridge needs four more Python
// agents (linuxbridge, DHCP, L3, metadata), each ~100 MiB and slow to start under software emulation.
// The compute's libvirt runs guests with virt_type=qemu (software emulation: the lab has no nested KVM).
import { nodeAddress, type NodeDef } from '../../../../src-shared/lab'
import { fqdn as labFqdn } from '../../provision/guest-config'
import {
  OS,
  REGION,
  STAGE_PACKAGES,
  SLOW_START_SECONDS,
  STAGE_UNITS,
  databaseSql,
  enableUnits,
  ini,
  jsonList,
  keystoneService,
  servicesWrong,
  uwsgiIni,
  type PlanContext,
  type Stage,
  type StageFile,
} from './common'

const NEUTRON_SERVER_UNIT = '/etc/systemd/system/neutron-server.service'

/**
 * The lab's external network, as devstack makes its "public" one: an Open vSwitch bridge on the controller
 * that no NIC is in, holding the gateway address of the install guide's provider network (203.0.113.0/24).
 * The controller is OVN's gateway chassis for it: a router's external gateway and floating IPs live there,
 * and the controller reaches an instance's floating IP through br-ex (seed 003's "ssh from the controller").
 * No NIC of a node is moved into a bridge: the nodes keep their own addresses, and the lab its SSH to them.
 */
const EXTERNAL = {
  physnet: 'provider',
  bridge: 'br-ex',
  cidr: '203.0.113.0/24',
  gateway: '203.0.113.1',
} as const
const EXTERNAL_UNIT = '/etc/systemd/system/stacklab-br-ex.service'

/**
 * Debian 12 pairs Neutron 21 (Zed) with OVN 23.03, and they disagree on where a chassis's options live:
 * ovn-controller 23.03 writes ovn-cms-options and ovn-bridge-mappings to the southbound Chassis row's
 * other_config and empties its external_ids whenever it registers, while Zed's Neutron reads them from
 * external_ids only. Without them Neutron sees no gateway chassis: a router's external gateway port stays
 * unbound and a floating IP never answers (seen on the lab, 2026-12-01). This oneshot, run each time
 * ovn-controller starts, copies the two keys over and checks they stay.
 */
const CHASSIS_COMPAT_SCRIPT = '/usr/local/lib/stacklab/ovn-chassis-compat'
const CHASSIS_COMPAT_UNIT = '/etc/systemd/system/stacklab-ovn-chassis-compat.service'
const chassisCompatScript = [
  '#!/bin/sh',
  "# Stacklab: copy this chassis's ovn-cms-options and ovn-bridge-mappings from other_config (where OVN 23.03",
  "# writes them) to external_ids (where Debian 12's Neutron, Zed, reads them), and check they stay there.",
  'set -u',
  "id=$(ovs-vsctl get open . external-ids:system-id | tr -d '\"')",
  'key() { ovn-sbctl --timeout=10 --if-exists get Chassis "$id" "$1" 2>/dev/null | tr -d \'"\'; }',
  'held=0',
  'for i in $(seq 1 60); do',
  '  cms=$(key other_config:ovn-cms-options); maps=$(key other_config:ovn-bridge-mappings)',
  '  if [ -n "$cms" ] && [ "$(key external_ids:ovn-cms-options)" = "$cms" ] &&',
  '    [ "$(key external_ids:ovn-bridge-mappings)" = "$maps" ]; then',
  '    held=$((held + 1)); [ $held -ge 3 ] && exit 0',
  '  elif [ -n "$cms" ]; then',
  '    held=0',
  '    ovn-sbctl --timeout=10 set Chassis "$id" external_ids:ovn-cms-options="$cms" \\',
  '      external_ids:ovn-bridge-mappings="$maps" || true',
  '  fi',
  '  sleep 5',
  'done',
  'echo "the chassis $id never held ovn-cms-options in external_ids" >&2',
  'exit 1',
  '',
].join('\n')

/** The address of a node on the lab's internal network (the tunnel network), else its management address. */
function tunnelAddress(node: NodeDef): string {
  return node.nics[1]?.ip ?? nodeAddress(node)
}

type AgentRow = { 'Agent Type'?: string; Host?: string; Alive?: unknown }

/** The agent of this type on this host: 'missing', 'dead', or null when it is there and alive. */
function agentOn(rows: AgentRow[], type: RegExp, host: string): 'missing' | 'dead' | null {
  const row = rows.find((r) => type.test(r['Agent Type'] ?? '') && r.Host === host)
  if (!row) return 'missing'
  return row.Alive === true || row.Alive === ':-)' ? null : 'dead'
}

/** `openstack network agent list -f json`: an alive OVN Controller agent for each of these hosts. */
export function ovnAgentsWrong(stdout: string, hosts: string[]): string | null {
  const rows = jsonList(stdout) as AgentRow[] | null
  if (!rows) return 'network agent list is not a JSON list'
  for (const host of hosts) {
    const seen = agentOn(rows, /OVN Controller/i, host)
    if (seen === 'missing') return `no OVN Controller agent on ${host}`
    if (seen === 'dead') return `the OVN Controller agent on ${host} is not alive`
  }
  return null
}

/** `openstack network agent list -f json`: the controller is an alive OVN Controller Gateway agent. */
export function gatewayWrong(stdout: string, host: string): string | null {
  const rows = jsonList(stdout) as AgentRow[] | null
  if (!rows) return 'network agent list is not a JSON list'
  const seen = agentOn(rows, /OVN Controller Gateway/i, host)
  if (seen === 'missing')
    return `${host} is not a gateway chassis (no OVN Controller Gateway agent): routers have no way out`
  if (seen === 'dead') return `the gateway agent on ${host} is not alive`
  return null
}

export function computeStages(x: PlanContext): Stage[] {
  const { secrets, c, ip, keystoneUrl, authtoken, dbUrl, title, computes } = x
  const rabbit = `rabbit://openstack:${secrets.rabbit}@${ip}:5672/`
  const fqdn = (n: NodeDef) => labFqdn(x.def, n)
  const serviceAuth = (user: string, password: string) => ({
    auth_url: `${keystoneUrl}/v3`,
    auth_type: 'password',
    project_domain_name: 'Default',
    user_domain_name: 'Default',
    region_name: REGION,
    project_name: 'service',
    username: user,
    password,
  })
  const novaConf = (myIp: string, role: 'controller' | 'compute') =>
    ini(
      {
        DEFAULT: {
          my_ip: myIp,
          transport_url: rabbit,
          state_path: '/var/lib/nova',
          log_dir: '/var/log/nova',
          ...(role === 'compute' ? { reserved_host_memory_mb: 256 } : {}),
        },
        api: { auth_strategy: 'keystone' },
        ...(role === 'controller'
          ? {
              api_database: { connection: dbUrl('nova', 'nova_api') },
              database: { connection: dbUrl('nova') },
              // computes added later are found on their own within 5 minutes; one scheduler and one conductor
              // process (the default is one worker per CPU beside the parent, each importing all of Nova)
              scheduler: { discover_hosts_in_cells_interval: 300, workers: 1 },
              conductor: { workers: 1 },
            }
          : {}),
        keystone_authtoken: authtoken('nova', secrets.service.nova),
        service_user: {
          send_service_user_token: true,
          ...serviceAuth('nova', secrets.service.nova),
        },
        vnc: {
          enabled: true,
          server_listen: role === 'controller' ? '$my_ip' : '0.0.0.0',
          server_proxyclient_address: '$my_ip',
          ...(role === 'compute' ? { novncproxy_base_url: `http://${ip}:6080/vnc_auto.html` } : {}),
        },
        glance: { api_servers: `http://${ip}:9292` },
        oslo_concurrency: { lock_path: '/var/lib/nova/tmp' },
        placement: serviceAuth('placement', secrets.service.placement),
        neutron: serviceAuth('neutron', secrets.service.neutron),
      },
      role === 'controller'
        ? 'Nova, the Compute service: controller (API, scheduler, conductor, noVNC proxy)'
        : 'Nova, the Compute service: this compute node',
    )
  const nodeFile = (node: string, path: string, content: string, purpose: string, owner = 'root:nova') => ({
    node,
    path,
    owner,
    mode: owner === 'root:root' ? '0644' : '0640',
    content,
    purpose,
  })

  const computeFiles: StageFile[] = computes.flatMap((n) => [
    nodeFile(
      n.name,
      '/etc/nova/nova.conf',
      novaConf(nodeAddress(n), 'compute'),
      'nova-compute: RabbitMQ, Keystone, Glance, Placement, Neutron, the console',
    ),
    nodeFile(
      n.name,
      '/etc/nova/nova-compute.conf',
      ini(
        {
          DEFAULT: { compute_driver: 'libvirt.LibvirtDriver' },
          // qemu: software emulation (the lab's nodes have no nested KVM); cpu_mode none: QEMU's own model,
          // since host-model would describe an emulated CPU.
          libvirt: { virt_type: 'qemu', cpu_mode: 'none' },
          // os-vif plugs instances into br-int through OVS's database, from nova-compute's own process (user
          // nova). Debian's local socket is root's alone (srwxr-x--- root root: "Could not retrieve schema
          // from unix:/var/run/openvswitch/db.sock", seen on the lab), so the database also listens on
          // loopback TCP (the Neutron stage's ovs-vsctl set-manager), os-vif's default address.
          os_vif_ovs: { ovsdb_connection: 'tcp:127.0.0.1:6640' },
        },
        'nova-compute: the libvirt driver',
      ),
      'instances run under QEMU software emulation',
    ),
  ])

  const nova: Stage = {
    id: 'nova',
    title: title('nova'),
    packages: [
      { node: c, names: STAGE_PACKAGES.nova.controller },
      ...computes.map((n) => ({ node: n.name, names: STAGE_PACKAGES.nova.compute })),
    ],
    files: [
      nodeFile(
        c,
        '/etc/nova/nova.conf',
        novaConf(ip, 'controller'),
        'Nova: databases, RabbitMQ, Keystone, Placement, Neutron',
      ),
      nodeFile(
        c,
        '/etc/nova/nova-api-uwsgi.ini',
        // one thread per process: Nova's API is not thread-safe under uwsgi (eventlet), so two processes
        uwsgiIni('nova-api', '/usr/bin/nova-api-wsgi', '/var/log/nova/nova-api.log', 'nova', {
          processes: 2,
          threads: 1,
        }),
        'the Compute API on port 8774 (uwsgi), sized for a lab',
        'root:root',
      ),
      nodeFile(
        c,
        '/etc/default/nova-consoleproxy',
        [
          '# Stacklab: which console proxy Debian starts (the package default is spicehtml5)',
          'NOVA_CONSOLE_PROXY_TYPE=novnc',
          'NOVA_SERIAL_PROXY_START=false',
          '',
        ].join('\n'),
        "instances' consoles through noVNC on port 6080",
        'root:root',
      ),
      ...computeFiles,
    ],
    scripts: [
      {
        node: c,
        script: [
          "mysql <<'SQL'",
          databaseSql('nova', secrets.db.nova, ['nova_api', 'nova_cell0']),
          'SQL',
          keystoneService(
            'nova',
            secrets.service.nova,
            'compute',
            'OpenStack Compute',
            `http://${ip}:8774/v2.1`,
          ),
          'su -s /bin/sh -c "nova-manage api_db sync" nova',
          'su -s /bin/sh -c "nova-manage cell_v2 map_cell0" nova',
          // Each nova-manage call costs a minute or two under emulation: the cell is looked up in SQL.
          '# cell1, unless a retry finds it made already',
          "if ! mysql -N -e 'SELECT name FROM nova_api.cell_mappings' | grep -x cell1 >/dev/null; then",
          '  su -s /bin/sh -c "nova-manage cell_v2 create_cell --name=cell1 --verbose" nova',
          'fi',
          'su -s /bin/sh -c "nova-manage db sync" nova',
          enableUnits(STAGE_UNITS.nova.controller),
        ].join('\n'),
      },
      ...computes.map((n) => ({ node: n.name, script: enableUnits(STAGE_UNITS.nova.compute) })),
      {
        node: c,
        join: true,
        script: [
          '# wait for every compute node to register its nova-compute, then map it into cell1',
          `for host in ${computes.map(fqdn).join(' ')}; do`,
          '  i=0',
          `  until ${OS} compute service list --service nova-compute -f value -c Host | grep -x "$host" >/dev/null; do`,
          '    i=$((i+1)); [ $i -gt 90 ] && { echo "nova-compute on $host did not register in 15 minutes"; exit 1; }',
          '    sleep 10',
          '  done',
          '  echo "nova-compute on $host registered"',
          'done',
          'su -s /bin/sh -c "nova-manage cell_v2 discover_hosts --verbose" nova',
        ].join('\n'),
      },
    ],
    checks: [
      {
        node: c,
        title: 'compute services are up (openstack compute service list)',
        join: true,
        command: `${OS} compute service list -f json`,
        expect: (out) =>
          servicesWrong(out, 'compute', [
            { binary: 'nova-scheduler' },
            { binary: 'nova-conductor' },
            ...computes.map((n) => ({ binary: 'nova-compute', host: fqdn(n) })),
          ]),
        waitSeconds: SLOW_START_SECONDS,
      },
      {
        node: c,
        title: 'every compute node is a hypervisor (openstack hypervisor list)',
        join: true,
        command: `${OS} hypervisor list -f json`,
        expect: (out) => {
          const rows = jsonList(out) as { 'Hypervisor Hostname'?: string; State?: string }[] | null
          if (!rows) return 'hypervisor list is not a JSON list'
          const missing = computes.map(fqdn).filter((h) => !rows.some((r) => r['Hypervisor Hostname'] === h))
          return missing.length ? `not a hypervisor yet: ${missing.join(', ')}` : null
        },
        waitSeconds: SLOW_START_SECONDS,
      },
      {
        node: c,
        title: 'nova-status upgrade check',
        command: 'nova-status upgrade check',
        expect: (out) => (/Result: Failure/.test(out) ? 'nova-status reports a failure' : null),
        waitSeconds: 60,
      },
    ],
    hint: 'Nova logs to /var/log/nova/ on each node (nova-compute.log on the compute node says why it did not register; nova-conductor.log on the controller shows RabbitMQ or database trouble).',
  }

  const ovnNb = `tcp:${ip}:6641`
  const ovnSb = `tcp:${ip}:6642`
  const controllerNode = x.def.nodes.find((n) => n.name === c)!
  /** A node as an OVN chassis: where OVN's southbound database is, its tunnel address, its name. */
  const chassisConfig = (n: NodeDef, tunnel: string, extra: string[]) =>
    [
      "# this chassis: where OVN's southbound database is, and the tunnel address on the internal network",
      `ovs-vsctl set open . external-ids:ovn-remote=${ovnSb} external-ids:ovn-encap-type=geneve \\`,
      `  external-ids:ovn-encap-ip=${tunnel} external-ids:hostname=${fqdn(n)}${extra.map((e) => ` \\\n  ${e}`).join('')}`,
    ].join('\n')
  const neutron: Stage = {
    id: 'neutron',
    title: title('neutron'),
    packages: [
      { node: c, names: STAGE_PACKAGES.neutron.controller },
      ...computes.map((n) => ({ node: n.name, names: STAGE_PACKAGES.neutron.compute })),
    ],
    files: [
      nodeFile(
        c,
        '/etc/neutron/neutron.conf',
        ini(
          {
            DEFAULT: {
              core_plugin: 'ml2',
              service_plugins: 'ovn-router',
              transport_url: rabbit,
              auth_strategy: 'keystone',
              notify_nova_on_port_status_changes: true,
              notify_nova_on_port_data_changes: true,
              state_path: '/var/lib/neutron',
              // one API and one RPC worker: each is a Python process of ~100 MiB in a lab VM
              api_workers: 1,
              rpc_workers: 1,
            },
            database: { connection: dbUrl('neutron') },
            keystone_authtoken: authtoken('neutron', secrets.service.neutron),
            nova: serviceAuth('nova', secrets.service.nova),
            oslo_concurrency: { lock_path: '/var/lib/neutron/tmp' },
          },
          'Neutron, the Networking service (server)',
        ),
        'Neutron: database, RabbitMQ, Keystone, Nova notifications',
        'root:neutron',
      ),
      nodeFile(
        c,
        '/etc/neutron/plugins/ml2/ml2_conf.ini',
        ini(
          {
            ml2: {
              type_drivers: 'local,flat,vlan,geneve',
              tenant_network_types: 'geneve',
              mechanism_drivers: 'ovn',
              extension_drivers: 'port_security',
              overlay_ip_version: 4,
            },
            ml2_type_flat: { flat_networks: '*' },
            ml2_type_geneve: { vni_ranges: '1:65536', max_header_size: 38 },
            securitygroup: { enable_security_group: true },
            ovn: {
              ovn_nb_connection: ovnNb,
              ovn_sb_connection: ovnSb,
              ovn_l3_scheduler: 'leastloaded',
              ovn_metadata_enabled: false,
            },
          },
          'ML2 with the OVN mechanism driver: self-service networks are Geneve tunnels',
        ),
        'ML2/OVN: Geneve self-service networks, flat provider networks, OVN databases on the controller',
        'root:neutron',
      ),
      nodeFile(
        c,
        NEUTRON_SERVER_UNIT,
        [
          '# Stacklab: the Neutron server as one eventlet process (API and RPC), as the install guide runs it.',
          "# Debian's uwsgi neutron-api never connected its workers to OVN's databases on the lab (no agents,",
          '# "HashRing is empty" in the RPC server); neutron-server itself does.',
          '[Unit]',
          'Description=OpenStack Neutron server (Stacklab)',
          'After=network-online.target mariadb.service rabbitmq-server.service keystone.service ovn-central.service',
          'Wants=network-online.target',
          '',
          '[Service]',
          'User=neutron',
          'Group=neutron',
          'Type=simple',
          'RuntimeDirectory=neutron',
          'ExecStart=/usr/bin/neutron-server --config-file=/etc/neutron/neutron.conf --config-file=/etc/neutron/plugins/ml2/ml2_conf.ini --log-file=/var/log/neutron/neutron-server.log',
          'Restart=on-failure',
          '',
          '[Install]',
          'WantedBy=multi-user.target',
          '',
        ].join('\n'),
        'the Neutron server (API on port 9696 and RPC) as one service',
        'root:root',
      ),
      nodeFile(
        c,
        EXTERNAL_UNIT,
        [
          `# Stacklab: the lab's external network "${EXTERNAL.physnet}" (${EXTERNAL.cidr}) on ${EXTERNAL.bridge}, with the`,
          "# controller's address on it; no NIC is in the bridge (devstack's public network, made the same way).",
          '[Unit]',
          `Description=The lab's external network on ${EXTERNAL.bridge} (Stacklab)`,
          'After=openvswitch-switch.service',
          'Requires=openvswitch-switch.service',
          '',
          '[Service]',
          'Type=oneshot',
          'RemainAfterExit=yes',
          `ExecStart=/usr/bin/ovs-vsctl --may-exist add-br ${EXTERNAL.bridge}`,
          `ExecStart=/usr/sbin/ip address replace ${EXTERNAL.gateway}/${EXTERNAL.cidr.split('/')[1]} dev ${EXTERNAL.bridge}`,
          `ExecStart=/usr/sbin/ip link set ${EXTERNAL.bridge} up`,
          '',
          '[Install]',
          'WantedBy=multi-user.target',
          '',
        ].join('\n'),
        `the external network ${EXTERNAL.cidr}: ${EXTERNAL.bridge} with the controller at ${EXTERNAL.gateway}`,
        'root:root',
      ),
      {
        node: c,
        path: CHASSIS_COMPAT_SCRIPT,
        owner: 'root:root',
        mode: '0755',
        content: chassisCompatScript,
        purpose:
          "the gateway chassis's options where Debian 12's Neutron (Zed) looks for them (OVN 23.03 moved them)",
      },
      nodeFile(
        c,
        CHASSIS_COMPAT_UNIT,
        [
          "# Stacklab: each time ovn-controller starts, make this chassis's gateway options visible to Neutron.",
          '[Unit]',
          'Description=Gateway chassis options for Neutron Zed (Stacklab)',
          'After=ovn-controller.service',
          'PartOf=ovn-controller.service',
          '',
          '[Service]',
          'Type=oneshot',
          'RemainAfterExit=yes',
          `ExecStart=${CHASSIS_COMPAT_SCRIPT}`,
          '',
          '[Install]',
          'WantedBy=ovn-controller.service',
          '',
        ].join('\n'),
        'runs the script above whenever ovn-controller starts',
        'root:root',
      ),
    ],
    scripts: [
      {
        node: c,
        script: [
          "mysql <<'SQL'",
          databaseSql('neutron', secrets.db.neutron),
          'SQL',
          keystoneService(
            'neutron',
            secrets.service.neutron,
            'network',
            'OpenStack Networking',
            `http://${ip}:9696`,
          ),
          enableUnits(['ovn-central']),
          "# the compute nodes reach OVN's databases over TCP on the management address",
          'i=0; until ovn-nbctl --timeout=10 show >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 60 ] && exit 1; sleep 5; done',
          `ovn-nbctl set-connection ptcp:6641:${ip}`,
          `ovn-sbctl set-connection ptcp:6642:${ip}`,
          'su -s /bin/sh -c "neutron-db-manage --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade head" neutron',
          "# Debian's uwsgi API and RPC server stay off: neutron-server (written above) is both",
          'systemctl disable --now neutron-api neutron-rpc-server 2>/dev/null || true',
          'systemctl daemon-reload',
          enableUnits(['neutron-server']),
          `# the gateway chassis: ${EXTERNAL.bridge} carries the external network "${EXTERNAL.physnet}"; routers' gateways live here`,
          enableUnits(['openvswitch-switch', 'stacklab-br-ex']),
          chassisConfig(controllerNode, tunnelAddress(controllerNode), [
            `external-ids:ovn-bridge-mappings=${EXTERNAL.physnet}:${EXTERNAL.bridge}`,
            'external-ids:ovn-cms-options=enable-chassis-as-gw',
          ]),
          enableUnits(['ovn-host']),
          '# Neutron Zed looks for the gateway options where OVN 23.03 no longer writes them (the script above)',
          enableUnits(['stacklab-ovn-chassis-compat']),
        ].join('\n'),
      },
      ...computes.map((n) => ({
        node: n.name,
        script: [
          enableUnits(['openvswitch-switch']),
          "# nova-compute (user nova) plugs instances through OVS's database: on loopback TCP, since the socket is root's",
          'ovs-vsctl set-manager ptcp:6640:127.0.0.1',
          chassisConfig(n, tunnelAddress(n), []),
          enableUnits(['ovn-host']),
        ].join('\n'),
      })),
    ],
    checks: [
      {
        node: c,
        title: 'OVN sees every compute node and the gateway as a chassis (ovn-sbctl)',
        join: true,
        command: 'ovn-sbctl --timeout=20 --columns=hostname list Chassis',
        expect: (out) => {
          const missing = [controllerNode, ...computes].map(fqdn).filter((h) => !out.includes(h))
          return missing.length ? `no OVN chassis for ${missing.join(', ')}` : null
        },
        waitSeconds: SLOW_START_SECONDS,
      },
      {
        node: c,
        title: 'network agents are alive (openstack network agent list)',
        join: true,
        command: `${OS} network agent list -f json`,
        expect: (out) => ovnAgentsWrong(out, computes.map(fqdn)) ?? gatewayWrong(out, fqdn(controllerNode)),
        waitSeconds: SLOW_START_SECONDS,
      },
      {
        node: c,
        title: `the external network's bridge has the controller's address (ip address show ${EXTERNAL.bridge})`,
        command: `ip -4 -o address show dev ${EXTERNAL.bridge}`,
        expect: (out) =>
          out.includes(` ${EXTERNAL.gateway}/`)
            ? null
            : `${EXTERNAL.bridge} does not hold ${EXTERNAL.gateway}`,
        waitSeconds: 0,
      },
    ],
    hint: 'Neutron logs to /var/log/neutron/ on the controller; OVN to /var/log/ovn/ (ovn-controller.log on a compute node says whether it reached the southbound database).',
  }
  return [nova, neutron]
}
