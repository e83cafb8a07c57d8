// The first stages of the distribution-packages install, seed 004's order: the nodes' package source and
// admin credentials, the infrastructure (MariaDB, RabbitMQ, Memcached, etcd), Keystone, Glance, Placement.
import {
  ADMIN_OPENRC,
  CLOUD_NAME,
  CLOUDS_YAML,
  ENSURE_SERVICE_PY,
  OS,
  REGION,
  STAGE_PACKAGES,
  STAGE_UNITS,
  aptSourceFiles,
  databaseSql,
  enableUnits,
  ini,
  jsonList,
  keystoneService,
  uwsgiIni,
  type PlanContext,
  type Stage,
} from './common'

const SYSTEMD_TIMEOUT_CONF = '/etc/systemd/system.conf.d/stacklab-timeouts.conf'

export function coreStages(x: PlanContext): Stage[] {
  const { def, secrets, c, ip, keystoneUrl, authtoken, dbUrl, title } = x
  const stages: Stage[] = []

  // ---- prepare: every node; apt's package source, the packages of the controller's stages are checked later.
  stages.push({
    id: 'prepare',
    title: title('prepare'),
    packages: [{ node: c, names: STAGE_PACKAGES.prepare.controller }],
    files: [
      ...def.nodes.flatMap((n) => aptSourceFiles(n.name, def.packages)),
      ...def.nodes.map((n) => ({
        node: n.name,
        path: SYSTEMD_TIMEOUT_CONF,
        owner: 'root:root',
        mode: '0644',
        content: [
          '# Stacklab: OpenStack services start slowly in a lab VM (minutes under software emulation);',
          "# systemd's default of 90 s would count nova-conductor or nova-scheduler as failed while they start.",
          '[Manager]',
          'DefaultTimeoutStartSec=15min',
          '',
        ].join('\n'),
        purpose: 'systemd waits for slow service starts instead of failing them',
      })),
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
      script: [
        'systemctl daemon-reexec',
        'echo "prepared $(hostname): $(. /etc/os-release; echo $PRETTY_NAME)"',
      ].join('\n'),
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
    packages: [{ node: c, names: STAGE_PACKAGES.infra.controller }],
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
          enableUnits(STAGE_UNITS.infra.controller),
          '# RabbitMQ: the openstack user every service logs in as (password on stdin, not in argv)',
          // Each rabbitmqctl call boots an Erlang VM (20-30 s under emulation): one call for the password.
          'if rabbitmqctl -q list_users | grep -q "^openstack\\b"; then verb=change_password; else verb=add_user; fi',
          'rabbitmqctl "$verb" openstack <<\'PW\'',
          secrets.rabbit,
          'PW',
          'rabbitmqctl set_permissions openstack ".*" ".*" ".*"',
          // RabbitMQ's epmd monitor makes sure epmd runs by starting a whole Erlang VM every minute
          // (rabbit_nodes:ensure_epmd); under emulation each one costs about a minute of CPU, so two overlap
          // for as long as the lab runs (measured on the controller: each at about 20% of its CPU; none after).
          // On Debian systemd's epmd.socket keeps epmd running. Services reach RabbitMQ on 5672, never
          // through epmd; a RabbitMQ restart brings the monitor back, which costs CPU and nothing else.
          '# RabbitMQ: stop the epmd monitor (an Erlang VM started every minute; systemd keeps epmd up)',
          'rabbitmqctl eval "supervisor:terminate_child(rabbit_sup, rabbit_epmd_monitor_sup)." ||',
          '  echo "RabbitMQ\'s epmd monitor could not be stopped: it only costs CPU"',
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
    packages: [{ node: c, names: STAGE_PACKAGES.keystone.controller }],
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
          { processes: 2 },
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
          enableUnits(STAGE_UNITS.keystone.controller),
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
    packages: [{ node: c, names: STAGE_PACKAGES.glance.controller }],
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
          {
            extra: [
              'socket-timeout = 10',
              'http-auto-chunked = true',
              'http-chunked-input = true',
              'http-raw-body = true',
              'chmod-socket = 666',
              'add-header = Connection: close',
              'exit-on-reload = true',
              'wsgi-manage-chunked-input = true',
            ],
          },
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
          enableUnits(STAGE_UNITS.glance.controller),
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
    packages: [{ node: c, names: STAGE_PACKAGES.placement.controller }],
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
          enableUnits(STAGE_UNITS.placement.controller),
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
