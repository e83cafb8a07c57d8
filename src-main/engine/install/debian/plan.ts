// The "distribution packages" install method: OpenStack from the distribution's own packages, configured by
// Stacklab the way seed 004 and the OpenStack install guide do it by hand, one service per stage. This file
// is the plan, and only the plan (no I/O): for each stage, the config files Stacklab writes (shown to the
// user as they are), the script each node runs, and the real calls that prove the stage worked before the
// next one starts. install/debian/run.ts carries it out with a lab checkpoint before every stage.
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
const CLOUDS_YAML = '/root/.config/openstack/clouds.yaml'
const OS = `openstack --os-cloud ${CLOUD_NAME}`

const REGION = 'RegionOne'

/** The services that make up each stage (units disabled in the test template, enabled by the stage). */
export const STAGE_UNITS: Record<DebianStageId, string[]> = {
  prepare: [],
  infra: ['mariadb', 'rabbitmq-server', 'memcached', 'etcd'],
  keystone: ['keystone'],
  glance: ['glance-api'],
  placement: ['placement-api'],
}

/** Packages each stage needs on its node (a fresh Debian gets them from apt; the test template has them). */
export const STAGE_PACKAGES: Record<DebianStageId, string[]> = {
  prepare: ['python3-openstackclient'],
  infra: [
    'mariadb-server',
    'python3-pymysql',
    'rabbitmq-server',
    'memcached',
    'python3-memcache',
    'etcd-server',
  ],
  keystone: ['keystone'],
  glance: ['glance'],
  placement: ['placement-api'],
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

const uwsgiIni = (name: string, app: string, log: string, user: string, extra = '') =>
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
    'processes = 2',
    'threads = 2',
    'listen = 100',
    `logto = ${log}`,
    `name = ${name}`,
    `uid = ${user}`,
    `gid = ${user}`,
    `chdir = /var/lib/${user}`,
    `wsgi-file = ${app}`,
    extra,
  ]
    .filter((l) => l !== '')
    .join('\n') + '\n'

/** A section-per-block INI file, as the install guide shows them (only what differs from the defaults). */
function ini(sections: Record<string, Record<string, string | number | boolean>>, header: string): string {
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

/** SQL that (re)creates a service database and its user; fed to `mysql` on stdin, never on a command line. */
function databaseSql(db: string, password: string): string {
  return [
    `CREATE DATABASE IF NOT EXISTS ${db};`,
    `CREATE USER IF NOT EXISTS '${db}'@'localhost' IDENTIFIED BY '${password}';`,
    `CREATE USER IF NOT EXISTS '${db}'@'%' IDENTIFIED BY '${password}';`,
    `ALTER USER '${db}'@'localhost' IDENTIFIED BY '${password}';`,
    `ALTER USER '${db}'@'%' IDENTIFIED BY '${password}';`,
    `GRANT ALL PRIVILEGES ON ${db}.* TO '${db}'@'localhost';`,
    `GRANT ALL PRIVILEGES ON ${db}.* TO '${db}'@'%';`,
    'FLUSH PRIVILEGES;',
  ].join('\n')
}

/**
 * A service user, its service and its three endpoints in Keystone, idempotent: the password goes to the
 * Identity API in a JSON body on stdin (python3's keystoneauth, which openstackclient brings), never in argv.
 */
function keystoneService(
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
function enableUnits(units: string[]): string {
  if (!units.length) return ''
  return [
    `systemctl enable ${units.join(' ')}`,
    `systemctl restart ${units.join(' ')}`,
    `systemctl --no-pager --lines=0 status ${units.join(' ')} || true`,
  ].join('\n')
}

const jsonList = (stdout: string): unknown[] | null => {
  try {
    const v: unknown = JSON.parse(stdout)
    return Array.isArray(v) ? v : null
  } catch {
    return null
  }
}

/** The whole plan for a lab. Compute nodes are listed for the stages that reach them (none yet). */
export function debianPlan(def: LabDefinition, secrets: CloudSecrets): Stage[] {
  const ctrl = controllerNode(def)
  const ip = nodeAddress(ctrl)
  const c = ctrl.name
  const keystoneUrl = `http://${ip}:5000`
  const authtoken = (user: string, password: string) => ({
    www_authenticate_uri: keystoneUrl,
    auth_url: keystoneUrl,
    memcached_servers: `${ip}:11211`,
    auth_type: 'password',
    project_domain_name: 'Default',
    user_domain_name: 'Default',
    project_name: 'service',
    username: user,
    password,
  })
  const dbUrl = (db: keyof CloudSecrets['db']) => `mysql+pymysql://${db}:${secrets.db[db]}@${ip}/${db}`
  const title = (id: DebianStageId) => DEBIAN_STAGES.find((s) => s.id === id)!.title

  const stages: Stage[] = []

  // ---- prepare: every node; apt's package source, the packages of the controller's stages are checked later.
  stages.push({
    id: 'prepare',
    title: title('prepare'),
    packages: [{ node: c, names: STAGE_PACKAGES.prepare }],
    files: [
      ...def.nodes.flatMap((n) => aptSourceFiles(n.name, def.packages)),
      {
        node: c,
        path: CLOUDS_YAML,
        owner: 'root:root',
        mode: '0600',
        content: [
          '# Stacklab: the admin credentials for `openstack --os-cloud stacklab ...`',
          'clouds:',
          `  ${CLOUD_NAME}:`,
          '    auth:',
          `      auth_url: ${keystoneUrl}/v3`,
          '      username: admin',
          `      password: ${JSON.stringify(secrets.admin)}`,
          '      project_name: admin',
          '      user_domain_name: Default',
          '      project_domain_name: Default',
          `    region_name: ${REGION}`,
          '    identity_api_version: 3',
          '',
        ].join('\n'),
        purpose: "Stacklab's own checks call the cloud as admin with this",
      },
      {
        node: c,
        path: ADMIN_OPENRC,
        owner: 'root:root',
        mode: '0600',
        content: [
          '# Stacklab: `. admin-openrc` and the openstack command works as admin (seed 004)',
          'export OS_PROJECT_DOMAIN_NAME=Default',
          'export OS_USER_DOMAIN_NAME=Default',
          'export OS_PROJECT_NAME=admin',
          'export OS_USERNAME=admin',
          `export OS_PASSWORD='${secrets.admin}'`,
          `export OS_AUTH_URL=${keystoneUrl}/v3`,
          'export OS_IDENTITY_API_VERSION=3',
          'export OS_IMAGE_API_VERSION=2',
          '',
        ].join('\n'),
        purpose: 'the admin credentials for a learner at the shell',
      },
      {
        node: c,
        path: '/usr/local/lib/stacklab/ensure-service.py',
        owner: 'root:root',
        mode: '0755',
        content: ENSURE_SERVICE_PY,
        purpose: 'registers a service, its user and endpoints in Keystone',
      },
    ],
    scripts: def.nodes.map((n) => ({
      node: n.name,
      script: 'echo "prepared $(hostname): $(. /etc/os-release; echo $PRETTY_NAME)"',
    })),
    checks: [
      {
        node: c,
        title: 'openstack client present',
        command: 'openstack --version',
        expect: (out) => (/openstack \d/.test(out) ? null : 'openstack --version printed no version'),
        waitSeconds: 0,
      },
    ],
    hint: "Check that the nodes reach their package source (Debian's mirrors over the NAT network, or the lab's proxy or mirror).",
  })

  // ---- infra: MariaDB, RabbitMQ, Memcached, etcd on the controller.
  stages.push({
    id: 'infra',
    title: title('infra'),
    packages: [{ node: c, names: STAGE_PACKAGES.infra }],
    files: [
      {
        node: c,
        path: '/etc/mysql/mariadb.conf.d/99-openstack.cnf',
        owner: 'root:root',
        mode: '0644',
        content: [
          '# Stacklab: MariaDB for OpenStack (install guide, "SQL database")',
          '[mysqld]',
          `bind-address = ${ip}`,
          'default-storage-engine = innodb',
          'innodb_file_per_table = on',
          'max_connections = 4096',
          'collation-server = utf8_general_ci',
          'character-set-server = utf8',
          '',
        ].join('\n'),
        purpose: 'MariaDB listens on the management address',
      },
      {
        node: c,
        path: '/etc/memcached.conf',
        owner: 'root:root',
        mode: '0644',
        content: [
          '# Stacklab: memcached for Keystone tokens and Horizon sessions',
          '-d',
          'logfile /var/log/memcached.log',
          '-m 64',
          '-p 11211',
          '-u memcache',
          `-l ${ip}`,
          '-P /var/run/memcached/memcached.pid',
          '',
        ].join('\n'),
        purpose: 'memcached listens on the management address',
      },
      {
        node: c,
        path: '/etc/default/etcd',
        owner: 'root:root',
        mode: '0644',
        content: [
          '# Stacklab: etcd for OpenStack services (install guide, "Etcd")',
          `ETCD_NAME="${c}"`,
          'ETCD_DATA_DIR="/var/lib/etcd"',
          'ETCD_INITIAL_CLUSTER_STATE="new"',
          'ETCD_INITIAL_CLUSTER_TOKEN="etcd-cluster-01"',
          `ETCD_INITIAL_CLUSTER="${c}=http://${ip}:2380"`,
          `ETCD_INITIAL_ADVERTISE_PEER_URLS="http://${ip}:2380"`,
          `ETCD_ADVERTISE_CLIENT_URLS="http://${ip}:2379"`,
          'ETCD_LISTEN_PEER_URLS="http://0.0.0.0:2380"',
          `ETCD_LISTEN_CLIENT_URLS="http://${ip}:2379,http://127.0.0.1:2379"`,
          '',
        ].join('\n'),
        purpose: 'etcd on the management address',
      },
    ],
    scripts: [
      {
        node: c,
        script: [
          enableUnits(STAGE_UNITS.infra),
          '# RabbitMQ: the openstack user every service logs in as (password on stdin, not in argv)',
          // Each rabbitmqctl call boots an Erlang VM (20-30 s under emulation): one call for the password.
          'if rabbitmqctl -q list_users | grep -q "^openstack\\b"; then verb=change_password; else verb=add_user; fi',
          'rabbitmqctl "$verb" openstack <<\'PW\'',
          secrets.rabbit,
          'PW',
          'rabbitmqctl set_permissions openstack ".*" ".*" ".*"',
        ].join('\n'),
      },
    ],
    checks: [
      {
        node: c,
        title: 'MariaDB answers',
        command: "mysql -N -e 'SELECT VERSION()'",
        expect: (out) => (/MariaDB/i.test(out) ? null : `unexpected version: ${out.trim()}`),
        waitSeconds: 60,
      },
      {
        node: c,
        title: 'RabbitMQ knows the openstack user',
        command: 'rabbitmqctl -q list_users',
        expect: (out) => (/^openstack\b/m.test(out) ? null : 'no openstack user in RabbitMQ'),
        waitSeconds: 60,
      },
      {
        node: c,
        title: 'memcached answers',
        command: `python3 -c 'import memcache; c = memcache.Client(["${ip}:11211"]); print(c.set("stacklab", "ok") and c.get("stacklab"))'`,
        expect: (out) => (out.trim() === 'ok' ? null : 'memcached did not store a value'),
        waitSeconds: 30,
      },
      {
        node: c,
        title: 'etcd is healthy',
        // etcdctl is in etcd-client, which the server does not need: ask the /health endpoint itself.
        command: `python3 -c 'import urllib.request; print(urllib.request.urlopen("http://${ip}:2379/health", timeout=10).read().decode())'`,
        expect: (out) => (/"health":\s*"true"/.test(out) ? null : out.trim() || 'etcd is not healthy'),
        waitSeconds: 60,
      },
    ],
    hint: 'journalctl -u mariadb -u rabbitmq-server -u etcd on the controller says why a service did not start.',
  })

  // ---- keystone
  stages.push({
    id: 'keystone',
    title: title('keystone'),
    packages: [{ node: c, names: STAGE_PACKAGES.keystone }],
    files: [
      {
        node: c,
        path: '/etc/keystone/keystone.conf',
        owner: 'root:keystone',
        mode: '0640',
        content: ini(
          {
            DEFAULT: { log_dir: '/var/log/keystone' },
            cache: { enabled: true, backend: 'dogpile.cache.memcached', memcache_servers: `${ip}:11211` },
            database: { connection: dbUrl('keystone') },
            token: { provider: 'fernet' },
          },
          'Keystone, the Identity service (install guide: "Install and configure")',
        ),
        purpose: 'Keystone: database, fernet tokens, cache',
      },
      {
        node: c,
        path: '/etc/keystone/keystone-uwsgi.ini',
        owner: 'root:root',
        mode: '0644',
        content: uwsgiIni(
          'keystone-api',
          '/usr/bin/keystone-wsgi-public',
          '/var/log/keystone/keystone.log',
          'keystone',
        ),
        purpose: 'the Identity API on port 5000 (uwsgi), sized for a lab',
      },
    ],
    scripts: [
      {
        node: c,
        script: [
          "mysql <<'SQL'",
          databaseSql('keystone', secrets.db.keystone),
          'SQL',
          'su -s /bin/sh -c "keystone-manage db_sync" keystone',
          'keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone',
          'keystone-manage credential_setup --keystone-user keystone --keystone-group keystone',
          '# the admin password from the environment (keystone-manage reads OS_BOOTSTRAP_PASSWORD), not argv',
          'OS_BOOTSTRAP_PASSWORD=$(sed -n "s/^export OS_PASSWORD=\'\\(.*\\)\'$/\\1/p" ' +
            ADMIN_OPENRC +
            ') \\',
          `  keystone-manage bootstrap --bootstrap-admin-url ${keystoneUrl}/v3/ --bootstrap-internal-url ${keystoneUrl}/v3/ \\`,
          `  --bootstrap-public-url ${keystoneUrl}/v3/ --bootstrap-region-id ${REGION}`,
          enableUnits(STAGE_UNITS.keystone),
        ].join('\n'),
      },
    ],
    checks: [
      {
        node: c,
        title: 'a token is issued (openstack token issue)',
        command: `${OS} token issue -f json`,
        expect: (out) => (/"id"/.test(out) ? null : 'no token in the answer'),
        waitSeconds: 240,
      },
      {
        node: c,
        title: 'the service project exists',
        command: `${OS} project create --or-show --domain default --description "Service Project" service -f json`,
        expect: (out) => (/"name": "service"/.test(out) ? null : 'project service missing'),
        waitSeconds: 60,
      },
    ],
    hint: 'Keystone logs to /var/log/keystone/keystone.log; `systemctl status keystone` on the controller shows whether uwsgi runs.',
  })

  // ---- glance
  stages.push({
    id: 'glance',
    title: title('glance'),
    packages: [{ node: c, names: STAGE_PACKAGES.glance }],
    files: [
      {
        node: c,
        path: '/etc/glance/glance-api.conf',
        owner: 'root:glance',
        mode: '0640',
        content: ini(
          {
            DEFAULT: { enabled_backends: 'fs:file' },
            database: { connection: dbUrl('glance') },
            keystone_authtoken: authtoken('glance', secrets.service.glance),
            paste_deploy: { flavor: 'keystone' },
            glance_store: { default_backend: 'fs' },
            fs: { filesystem_store_datadir: '/var/lib/glance/images/' },
            oslo_limit: {},
          },
          'Glance, the Image service',
        ),
        purpose: 'Glance: database, Keystone, images stored in /var/lib/glance/images',
      },
      {
        node: c,
        path: '/etc/glance/glance-api-uwsgi.ini',
        owner: 'root:root',
        mode: '0644',
        content: uwsgiIni(
          'glance-api',
          '/usr/bin/glance-wsgi-api',
          '/var/log/glance/glance-api.log',
          'glance',
          [
            'socket-timeout = 10',
            'http-auto-chunked = true',
            'http-chunked-input = true',
            'http-raw-body = true',
            'chmod-socket = 666',
            'add-header = Connection: close',
            'exit-on-reload = true',
            'wsgi-manage-chunked-input = true',
          ].join('\n'),
        ),
        purpose: 'the Image API on port 9292 (uwsgi), sized for a lab',
      },
    ],
    scripts: [
      {
        node: c,
        script: [
          "mysql <<'SQL'",
          databaseSql('glance', secrets.db.glance),
          'SQL',
          keystoneService('glance', secrets.service.glance, 'image', 'OpenStack Image', `http://${ip}:9292`),
          'install -d -o glance -g glance /var/lib/glance/images',
          'su -s /bin/sh -c "glance-manage db_sync" glance',
          enableUnits(STAGE_UNITS.glance),
        ].join('\n'),
      },
    ],
    checks: [
      {
        node: c,
        title: 'the Image API lists images (openstack image list)',
        command: `${OS} image list -f json`,
        expect: (out) => (jsonList(out) ? null : 'image list is not a JSON list'),
        waitSeconds: 240,
      },
    ],
    hint: 'Glance logs to /var/log/glance/glance-api.log; a 401 there means its keystone_authtoken password does not match Keystone.',
  })

  // ---- placement
  stages.push({
    id: 'placement',
    title: title('placement'),
    packages: [{ node: c, names: STAGE_PACKAGES.placement }],
    files: [
      {
        node: c,
        path: '/etc/placement/placement.conf',
        owner: 'root:placement',
        mode: '0640',
        content: ini(
          {
            api: { auth_strategy: 'keystone' },
            keystone_authtoken: authtoken('placement', secrets.service.placement),
            placement_database: { connection: dbUrl('placement') },
          },
          'Placement',
        ),
        purpose: 'Placement: database and Keystone',
      },
      {
        node: c,
        path: '/etc/placement/placement-api-uwsgi.ini',
        owner: 'root:root',
        mode: '0644',
        content: uwsgiIni(
          'placement-api',
          '/usr/bin/placement-api',
          '/var/log/placement/placement-api.log',
          'placement',
        ),
        purpose: 'the Placement API on port 8778 (uwsgi), sized for a lab',
      },
    ],
    scripts: [
      {
        node: c,
        script: [
          "mysql <<'SQL'",
          databaseSql('placement', secrets.db.placement),
          'SQL',
          keystoneService(
            'placement',
            secrets.service.placement,
            'placement',
            'Placement API',
            `http://${ip}:8778`,
          ),
          'su -s /bin/sh -c "placement-manage db sync" placement',
          enableUnits(STAGE_UNITS.placement),
        ].join('\n'),
      },
    ],
    checks: [
      {
        node: c,
        title: 'placement-status upgrade check',
        command: 'placement-status upgrade check',
        expect: (out) => (/Failure/.test(out) ? 'placement-status reports a failure' : null),
        waitSeconds: 60,
      },
      {
        node: c,
        title: 'the Placement API answers (GET / with a token)',
        command: `${OS} versions show --service placement -f json`,
        expect: (out) => (/CURRENT|SUPPORTED/.test(out) ? null : 'no Placement API version listed'),
        waitSeconds: 240,
      },
    ],
    hint: 'Placement logs to /var/log/placement/placement-api.log.',
  })

  return stages
}
