// The distribution-packages plan's shared parts: its types, the lab's passwords, and the helpers every stage
// uses to write config files (INI, uwsgi), databases, Keystone registrations and unit starts. No I/O.
//
// Lab sizing (decided): every uwsgi API gets 2 processes of 2 threads instead of Debian's 8 × 32: under
// software emulation on a 2-core host each Python process costs ~100 MiB and tens of seconds to start.
import type { LabDefinition, NodeDef, PackageSource } from '../../../../src-shared/lab'
import { nodeAddress } from '../../../../src-shared/lab'
import { DEBIAN_STAGES, type DebianStageId } from '../../../../src-shared/install'

/** Every password the install makes, kept 0600 in the lab's secrets folder (never on a command line). */
export interface CloudSecrets {
  /** Horizon and `openstack` as admin (the learner's login). */
  admin: string
  rabbit: string
  /** One database password per service database. */
  db: Record<'keystone' | 'glance' | 'placement' | 'nova' | 'neutron' | 'cinder', string>
  /** One keystone service-user password per service. */
  service: Record<'glance' | 'placement' | 'nova' | 'neutron' | 'cinder', string>
  metadata: string
}

export const SECRET_NAMES = {
  db: ['keystone', 'glance', 'placement', 'nova', 'neutron', 'cinder'],
  service: ['glance', 'placement', 'nova', 'neutron', 'cinder'],
} as const

/** A file Stacklab writes on a node: the whole file, shown to the user exactly as written. */
export interface StageFile {
  node: string
  path: string
  /** Owner and group, e.g. root:keystone; mode as octal text. */
  owner: string
  mode: string
  content: string
  /** What this file is for, in a line (the Install page shows it above the file). */
  purpose: string
}

/** A script one node runs (as root, detached, logged), in the order the stage lists them. */
export interface StageScript {
  node: string
  script: string
  /** A controller script that runs again when a compute node joins the installed lab (discover_hosts). */
  join?: true
}

/** A real call that must succeed (exit 0, and `expect` finds nothing wrong in its output). */
export interface StageCheck {
  node: string
  title: string
  command: string
  /** null: fine; otherwise what is wrong, in a line. */
  expect: (stdout: string) => string | null
  /** Services need a moment after their start: the check is retried until this many seconds pass. */
  waitSeconds: number
  /** Also proves a compute node that joins the installed lab (its services, its chassis). */
  join?: true
}

export interface Stage {
  id: DebianStageId
  title: string
  /** Installed (when missing) before the files are written: their owners are the packages' users. */
  packages: { node: string; names: string[] }[]
  files: StageFile[]
  scripts: StageScript[]
  checks: StageCheck[]
  hint: string
}

/** Where the admin credentials live on the controller (the learner sources it as in seed 004). */
export const ADMIN_OPENRC = '/root/admin-openrc'
/** clouds.yaml entry Stacklab's own checks use: `openstack --os-cloud stacklab ...`. */
export const CLOUD_NAME = 'stacklab'
export const CLOUDS_YAML = '/root/.config/openstack/clouds.yaml'
export const OS = `openstack --os-cloud ${CLOUD_NAME}`

export const REGION = 'RegionOne'

/** Per role: what runs (or is installed) on the controller and on every compute node. */
export interface PerRole {
  controller: string[]
  compute: string[]
}
const onController = (controller: string[]): PerRole => ({ controller, compute: [] })

/** The services that make up each stage (units disabled in the test template, started by the stage). */
export const STAGE_UNITS: Record<DebianStageId, PerRole> = {
  prepare: onController([]),
  infra: onController(['mariadb', 'rabbitmq-server', 'memcached', 'etcd']),
  keystone: onController(['keystone']),
  glance: onController(['glance-api']),
  placement: onController(['placement-api']),
  nova: {
    controller: ['nova-api', 'nova-scheduler', 'nova-conductor', 'nova-novncproxy'],
    compute: ['libvirtd', 'nova-compute'],
  },
  // ovn-central, ovn-host and openvswitch-switch are Debian's oneshot wrappers: the stage enables those, the
  // status asks for the daemons they start.
  neutron: {
    // the controller is also OVN's gateway chassis (the external network's bridge, br-ex)
    controller: [
      'ovn-ovsdb-server-nb',
      'ovn-ovsdb-server-sb',
      'ovn-northd',
      'neutron-server',
      'ovsdb-server',
      'ovs-vswitchd',
      'ovn-controller',
    ],
    compute: ['ovsdb-server', 'ovs-vswitchd', 'ovn-controller'],
  },
  horizon: onController(['apache2']),
  // iscsid on computes: nova-compute attaches a volume by logging in to its iSCSI target (os-brick runs
  // iscsiadm, which needs the daemon).
  cinder: { controller: ['tgt', 'cinder-api', 'cinder-scheduler', 'cinder-volume'], compute: ['iscsid'] },
}

/** Packages each stage needs on its node (a fresh Debian gets them from apt; the test template has them). */
export const STAGE_PACKAGES: Record<DebianStageId, PerRole> = {
  prepare: onController(['python3-openstackclient']),
  infra: onController([
    'mariadb-server',
    'python3-pymysql',
    'rabbitmq-server',
    'memcached',
    'python3-memcache',
    'etcd-server',
  ]),
  keystone: onController(['keystone']),
  glance: onController(['glance']),
  placement: onController(['placement-api']),
  nova: {
    controller: ['nova-api', 'nova-conductor', 'nova-scheduler', 'nova-consoleproxy'],
    // nova-compute-kvm, not -qemu: -qemu pulls every QEMU architecture; virt_type is set in nova-compute.conf.
    compute: ['nova-compute', 'nova-compute-kvm', 'qemu-system-x86', 'libvirt-daemon-system'],
  },
  neutron: {
    controller: ['neutron-server', 'ovn-central', 'ovn-host', 'openvswitch-switch'],
    compute: ['ovn-host', 'openvswitch-switch'],
  },
  horizon: onController(['openstack-dashboard', 'openstack-dashboard-apache']),
  cinder: {
    controller: ['cinder-api', 'cinder-scheduler', 'cinder-volume', 'lvm2', 'tgt'],
    compute: ['open-iscsi'],
  },
}

/** The debconf answers that keep Debian's own helpers from configuring anything (Stacklab writes every file). */
export const DEBCONF_SELECTIONS = [
  'keystone keystone/configure_db boolean false',
  'keystone keystone/create-admin-tenant boolean false',
  'keystone keystone/register-endpoint boolean false',
  'glance-common glance/configure_db boolean false',
  'glance-common glance/configure_rabbit boolean false',
  'glance-common glance/configure_ksat boolean false',
  'glance-api glance/configure_api-endpoint boolean false',
  'placement-common placement/configure_db boolean false',
  'placement-common placement/configure_ksat boolean false',
  'placement-api placement/configure_api-endpoint boolean false',
  'nova-common nova/configure_db boolean false',
  'nova-common nova/configure_rabbit boolean false',
  'nova-common nova/configure_ksat boolean false',
  'nova-common nova/configure_neutron boolean false',
  'nova-common nova/configure_placement boolean false',
  'nova-api novaapi/configure_db boolean false',
  'nova-api nova/configure_api-endpoint boolean false',
  'neutron-common neutron/configure_db boolean false',
  'neutron-common neutron/configure_rabbit boolean false',
  'neutron-common neutron/configure_ksat boolean false',
  'neutron-common neutron/configure_nova boolean false',
  'cinder-common cinder/configure_db boolean false',
  'cinder-common cinder/configure_rabbit boolean false',
  'cinder-common cinder/configure_ksat boolean false',
  'cinder-api cinder/configure_api-endpoint boolean false',
  'openstack-dashboard-apache horizon/activate_vhost boolean false',
  'openstack-dashboard-apache horizon/use_ssl boolean false',
]

export function controllerNode(def: LabDefinition): NodeDef {
  const node = def.nodes.find((n) => n.role === 'controller')
  if (!node) throw new Error(`lab ${def.name} has no controller`)
  return node
}

/** apt's configuration for the lab's package source: a caching proxy, a mirror, or Debian's own mirrors. */
export function aptSourceFiles(node: string, source: PackageSource | undefined): StageFile[] {
  const files: StageFile[] = []
  if (source?.proxy)
    files.push({
      node,
      path: '/etc/apt/apt.conf.d/80stacklab-proxy',
      owner: 'root:root',
      mode: '0644',
      content: `// Stacklab: this lab's package cache (recorded with the lab)\nAcquire::http::Proxy "${source.proxy}";\n`,
      purpose: "apt downloads through the lab's package cache",
    })
  if (source?.mirror)
    files.push({
      node,
      path: '/etc/apt/sources.list.d/stacklab-mirror.list',
      owner: 'root:root',
      mode: '0644',
      content:
        "# Stacklab: this lab's Debian mirror (recorded with the lab)\n" +
        `deb ${source.mirror} bookworm main\ndeb ${source.mirror} bookworm-updates main\n`,
      purpose: "Debian's packages from the lab's mirror",
    })
  return files
}

/**
 * The script that gives a node a stage's packages, installed only when missing (nothing is downloaded on the
 * test template, which has them all); debconf is answered first so no package configures itself.
 */
export function packagesScript(packages: string[]): string {
  return [
    `printf '%s\\n' ${DEBCONF_SELECTIONS.map((l) => `'${l}'`).join(' ')} | debconf-set-selections`,
    `need=""; for p in ${packages.join(' ')}; do`,
    `  dpkg-query -W -f='\${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need="$need $p"`,
    'done',
    'if [ -n "$need" ]; then',
    '  echo "installing:$need"',
    '  export DEBIAN_FRONTEND=noninteractive',
    '  apt-get update',
    '  apt-get install -y --no-install-recommends $need',
    'else',
    `  echo "packages present: ${packages.join(' ')}"`,
    'fi',
  ].join('\n')
}

/**
 * An API under uwsgi, sized for a lab. Each process imports the whole service on its own (lazy-apps), which
 * costs minutes of CPU under emulation at every start: one process unless the API is on every request's
 * path (Keystone validates every token).
 */
export const uwsgiIni = (
  name: string,
  app: string,
  log: string,
  user: string,
  { extra = [] as string[], processes = 1, threads = 2 } = {},
) =>
  [
    `# Stacklab: ${name} under uwsgi, sized for a lab (Debian ships processes = 8, threads = 32).`,
    '[uwsgi]',
    'buffer-size = 65535',
    'rem-header = Content-Length',
    'master = true',
    'thunder-lock = true',
    'plugins = python3',
    'lazy-apps = true',
    'paste-logger = true',
    'no-orphans = true',
    'die-on-term = true',
    'enable-threads = true',
    `processes = ${processes}`,
    `threads = ${threads}`,
    'listen = 100',
    `logto = ${log}`,
    `name = ${name}`,
    `uid = ${user}`,
    `gid = ${user}`,
    `chdir = /var/lib/${user}`,
    `wsgi-file = ${app}`,
    ...extra,
  ]
    .filter((l) => l !== '')
    .join('\n') + '\n'

/** A section-per-block INI file, as the install guide shows them (only what differs from the defaults). */
export function ini(
  sections: Record<string, Record<string, string | number | boolean>>,
  header: string,
): string {
  const out = [
    `# ${header}`,
    '# Written by Stacklab (distribution-packages install); the package default is in /usr/share.',
  ]
  for (const [section, values] of Object.entries(sections)) {
    out.push('', `[${section}]`)
    for (const [k, v] of Object.entries(values)) out.push(`${k} = ${String(v)}`)
  }
  return out.join('\n') + '\n'
}

/**
 * SQL that (re)creates a service's databases and its user (named after the first database); fed to `mysql`
 * on stdin, never on a command line.
 */
export function databaseSql(db: string, password: string, more: string[] = []): string {
  const all = [db, ...more]
  return [
    ...all.map((d) => `CREATE DATABASE IF NOT EXISTS ${d};`),
    `CREATE USER IF NOT EXISTS '${db}'@'localhost' IDENTIFIED BY '${password}';`,
    `CREATE USER IF NOT EXISTS '${db}'@'%' IDENTIFIED BY '${password}';`,
    `ALTER USER '${db}'@'localhost' IDENTIFIED BY '${password}';`,
    `ALTER USER '${db}'@'%' IDENTIFIED BY '${password}';`,
    ...all.flatMap((d) => [
      `GRANT ALL PRIVILEGES ON ${d}.* TO '${db}'@'localhost';`,
      `GRANT ALL PRIVILEGES ON ${d}.* TO '${db}'@'%';`,
    ]),
    'FLUSH PRIVILEGES;',
  ].join('\n')
}

/**
 * A service user, its service and its three endpoints in Keystone, idempotent: the password goes to the
 * Identity API in a JSON body on stdin (python3's keystoneauth, which openstackclient brings), never in argv.
 */
export function keystoneService(
  user: string,
  password: string,
  type: string,
  description: string,
  url: string,
): string {
  return [
    `# ${user}: service user (role admin in project service), service "${type}", endpoints ${url}`,
    `python3 /usr/local/lib/stacklab/ensure-service.py <<'JSON'`,
    JSON.stringify({ user, password, type, name: user, description, url, region: REGION }),
    'JSON',
  ].join('\n')
}

/** The helper the stages call to register a service in Keystone (admin credentials from clouds.yaml). */
export const ENSURE_SERVICE_PY = `#!/usr/bin/python3
# Stacklab: create (or update) a service user with role admin in project "service", a service and its
# public, internal and admin endpoints, idempotently. Input: one JSON object on stdin. Passwords never
# appear in a process's arguments.
import json, sys
import openstack

want = json.load(sys.stdin)
conn = openstack.connect(cloud="${CLOUD_NAME}")
idc = conn.identity
domain = idc.find_domain("default", ignore_missing=False)
project = conn.identity.find_project("service", domain_id=domain.id)
if project is None:
    project = idc.create_project(name="service", domain_id=domain.id, description="Service Project")
user = idc.find_user(want["user"], domain_id=domain.id)
if user is None:
    user = idc.create_user(name=want["user"], password=want["password"], domain_id=domain.id)
else:
    idc.update_user(user, password=want["password"])
admin = idc.find_role("admin", ignore_missing=False)
idc.assign_project_role_to_user(project, user, admin)
service = next((s for s in idc.services() if s.type == want["type"]), None)
if service is None:
    service = idc.create_service(name=want["name"], type=want["type"], description=want["description"])
have = {e.interface: e for e in idc.endpoints(service_id=service.id)}
for interface in ("public", "internal", "admin"):
    if interface in have:
        if have[interface].url != want["url"]:
            idc.update_endpoint(have[interface], url=want["url"])
    else:
        idc.create_endpoint(service_id=service.id, interface=interface, url=want["url"], region_id=want["region"])
print("service %s (%s): user %s, endpoints %s" % (want["name"], want["type"], want["user"], want["url"]))
`

/**
 * Enable a stage's units and (re)start them with the files just written: started once when stopped (the test
 * template), restarted when the package had started them with its defaults (a fresh Debian).
 */
export function enableUnits(units: string[]): string {
  if (!units.length) return ''
  return [
    `systemctl enable ${units.join(' ')}`,
    `systemctl restart ${units.join(' ')}`,
    `systemctl --no-pager --lines=0 status ${units.join(' ')} || true`,
  ].join('\n')
}

export const jsonList = (stdout: string): unknown[] | null => {
  try {
    const v: unknown = JSON.parse(stdout)
    return Array.isArray(v) ? v : null
  } catch {
    return null
  }
}

/**
 * Services in `openstack compute service list -f json` (or `volume service list`: the same columns) that are
 * not enabled and up, or missing.
 */
export function servicesWrong(
  stdout: string,
  what: 'compute' | 'volume',
  want: { binary: string; host?: string }[],
): string | null {
  const rows = jsonList(stdout) as
    { Binary?: string; Host?: string; Status?: string; State?: string }[] | null
  if (!rows) return `${what} service list is not a JSON list`
  for (const w of want) {
    const row = rows.find((r) => r.Binary === w.binary && (!w.host || r.Host === w.host))
    if (!row) return `${w.binary}${w.host ? ` on ${w.host}` : ''} is not registered`
    if (row.State !== 'up' || row.Status !== 'enabled')
      return `${w.binary} on ${row.Host ?? '?'} is ${row.Status ?? '?'} and ${row.State ?? '?'}`
  }
  return null
}

/** What every stage needs to know about the lab: its nodes, addresses and passwords. */
export interface PlanContext {
  def: LabDefinition
  secrets: CloudSecrets
  /** The controller's name and management address. */
  c: string
  ip: string
  computes: NodeDef[]
  keystoneUrl: string
  authtoken: (user: string, password: string) => Record<string, string>
  dbUrl: (db: keyof CloudSecrets['db'], database?: string) => string
  title: (id: DebianStageId) => string
}

export function planContext(def: LabDefinition, secrets: CloudSecrets): PlanContext {
  const ctrl = controllerNode(def)
  const ip = nodeAddress(ctrl)
  const keystoneUrl = `http://${ip}:5000`
  return {
    def,
    secrets,
    c: ctrl.name,
    ip,
    computes: def.nodes.filter((n) => n.role === 'compute'),
    keystoneUrl,
    authtoken: (user, password) => ({
      www_authenticate_uri: keystoneUrl,
      auth_url: keystoneUrl,
      memcached_servers: `${ip}:11211`,
      auth_type: 'password',
      project_domain_name: 'Default',
      user_domain_name: 'Default',
      project_name: 'service',
      username: user,
      password,
    }),
    dbUrl: (db, database = db) => `mysql+pymysql://${db}:${secrets.db[db]}@${ip}/${database}`,
    title: (id) => DEBIAN_STAGES.find((s) => s.id === id)!.title,
  }
}

/**
 * How long a check waits for a service that just started: measured on the lab, Neutron's API took 6 to 11
 * minutes to load under software emulation on a busy 2-core host. A check passes as soon as it can.
 */
export const SLOW_START_SECONDS = 900

/** The check a stage's check list uses for a web page: status 200 and a marker in the body. */
export function pageCheck(node: string, title: string, url: string, marker: string): StageCheck {
  return {
    node,
    title,
    command: `python3 -c 'import urllib.request; r = urllib.request.urlopen("${url}", timeout=60); print(r.status); print(r.read().decode(errors="replace"))'`,
    expect: (out) =>
      !out.startsWith('200')
        ? `HTTP ${out.split('\n')[0]}`
        : out.includes(marker)
          ? null
          : `no "${marker}" on the page`,
    waitSeconds: SLOW_START_SECONDS,
  }
}
