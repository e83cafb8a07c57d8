// The distribution-packages install plan (src-main/engine/install/debian/plan.ts): the stages in seed 004's
// order, the config files written whole with the lab's addresses, every password kept out of process
// arguments (only in files and in heredocs fed on stdin), the lab's package source in apt's configuration,
// and the checks that parse what the real `openstack` prints.
import { describe, expect, it } from 'vitest'
import { DEBIAN_STAGES, debianJoinSteps, type StagesState } from '../../src-shared/install'
import { LabDefinition, defaultLab } from '../../src-shared/lab'
import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { debianJoinPlan, debianPlan } from '../../src-main/engine/install/debian/plan'
import { DEBCONF_SELECTIONS, servicesWrong } from '../../src-main/engine/install/debian/common'
import { failureCause } from '../../src-main/engine/install/debian/causes'
import { gatewayWrong, ovnAgentsWrong } from '../../src-main/engine/install/debian/stages-compute'
import type { CloudSecrets } from '../../src-main/engine/install/debian/common'
import { debianJobSteps, failedStageBegun, newSecrets } from '../../src-main/engine/install/debian/run'

function lab(extra: Record<string, unknown> = {}) {
  return LabDefinition.parse({ ...defaultLab('lab1', 'debian-12'), ...extra })
}

function allSecrets(s: CloudSecrets): string[] {
  return [s.admin, s.rabbit, s.metadata, ...Object.values(s.db), ...Object.values(s.service)]
}

/** The lines of a script that bash runs as commands: everything outside `<<'X' ... X` heredoc bodies. */
function commandLines(script: string): string[] {
  const out: string[] = []
  let end: string | null = null
  for (const line of script.split('\n')) {
    if (end !== null) {
      if (line === end) end = null
      continue
    }
    out.push(line)
    const m = /<<'(\w+)'/.exec(line)
    if (m) end = m[1]!
  }
  return out
}

describe('distribution-packages plan', () => {
  const secrets = newSecrets()
  const plan = debianPlan(lab(), secrets)

  it('has the stages of the shared list, in seed 004 order', () => {
    expect(plan.map((s) => s.id)).toEqual(DEBIAN_STAGES.map((s) => s.id))
    expect(plan.map((s) => s.id)).toEqual([
      'prepare',
      'infra',
      'keystone',
      'glance',
      'placement',
      'nova',
      'neutron',
      'horizon',
      'cinder',
    ])
  })

  it("puts Cinder's volume group on the controller's data disk, and leaves Cinder out without one", () => {
    const cinder = plan.find((s) => s.id === 'cinder')!
    const conf = cinder.files.find((f) => f.path === '/etc/cinder/cinder.conf')!
    expect(conf.node).toBe('controller')
    expect(conf.content).toContain(
      `connection = mysql+pymysql://cinder:${secrets.db.cinder}@192.168.122.100/cinder`,
    )
    expect(conf.content).toMatch(/^\[lvm\]\nvolume_driver = cinder\.volume\.drivers\.lvm\.LVMVolumeDriver$/m)
    expect(conf.content).toMatch(/^volume_group = cinder-volumes$/m)
    expect(conf.content).toMatch(/^volume_clear = none$/m)
    const script = cinder.scripts[0]!.script
    // The disk by the serial the domain XML gives it; a disk with anything on it is refused, not wiped.
    expect(script).toContain('readlink -f /dev/disk/by-id/virtio-stacklab-data')
    expect(script).toMatch(/wipefs --no-act "\$disk"\)" \]; then\n.*not empty.*exit 1/)
    expect(script.indexOf('wipefs')).toBeLessThan(script.indexOf('pvcreate "$disk"'))
    expect(cinder.checks.map((c) => c.title)).toEqual([
      'volume services are up (openstack volume service list)',
      'a 1 GiB volume becomes available (openstack volume create stacklab-check)',
    ])
    const volume = cinder.checks[1]!
    // A volume in error (asked for before the backend reported its capacity, seen on the lab) is asked again.
    expect(volume.command).toMatch(
      /^if \[ "\$s" = error \]; then openstack --os-cloud stacklab volume delete stacklab-check; fi$/m,
    )
    expect(volume.expect('available\n')).toBeNull()
    expect(volume.expect('creating\n')).toBe('the volume is creating')
    expect(volume.expect('')).toBe('the volume is not made')

    // Every compute node gets iscsid running: nova-compute attaches a volume by an iSCSI login.
    expect(cinder.packages).toContainEqual({ node: 'compute', names: ['open-iscsi'] })
    expect(cinder.scripts.find((s) => s.node === 'compute')?.script).toMatch(
      /^systemctl enable iscsid\nsystemctl restart iscsid$/m,
    )

    const noDisk = defaultLab('lab1', 'debian-12')
    delete noDisk.nodes[0]!.dataDiskGiB
    const without = debianPlan(LabDefinition.parse(noDisk), secrets).map((s) => s.id)
    expect(without).not.toContain('cinder')
    expect(without.at(-1)).toBe('horizon')
  })

  it('gives bash only scripts and check commands it can parse (bash -n)', () => {
    // Found on real guests: the Cinder volume check was three commands joined by spaces, which bash reads
    // as one broken line ("syntax error near unexpected token `then'"); no unit test had parsed it.
    const syntax = (text: string) => spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' })
    const all = plan.flatMap((s) => [
      ...s.scripts.map((x) => ({ where: `${s.id} script on ${x.node}`, text: x.script })),
      ...s.checks.map((c) => ({ where: `${s.id} check "${c.title}"`, text: c.command })),
    ])
    expect(all.length).toBeGreaterThan(20)
    const broken = all
      .map((x) => ({ ...x, r: syntax(x.text) }))
      .filter((x) => x.r.status !== 0)
      .map((x) => `${x.where}: ${x.r.stderr.trim()}`)
    expect(broken).toEqual([])
    // The parser itself sees what it must: the broken form of the volume check.
    expect(syntax('s=$(true) || s=$(false) echo "$s" if [ "$s" = a ]; then echo; fi').status).not.toBe(0)
  })

  it("stops RabbitMQ's epmd monitor once its user is set, best effort", () => {
    const script = plan.find((s) => s.id === 'infra')!.scripts[0]!.script
    const stop = script.indexOf(
      'rabbitmqctl eval "supervisor:terminate_child(rabbit_sup, rabbit_epmd_monitor_sup)." ||',
    )
    expect(stop).toBeGreaterThan(script.indexOf('rabbitmqctl set_permissions openstack'))
    // A RabbitMQ without that supervisor fails the call: the stage goes on.
    expect(script.slice(stop).split('\n')[1]).toMatch(
      /^ {2}echo "RabbitMQ's epmd monitor could not be stopped/,
    )
  })

  it('makes distinct, long, shell- and URL-safe passwords', () => {
    const all = allSecrets(secrets)
    expect(new Set(all).size).toBe(all.length)
    for (const p of all) expect(p).toMatch(/^[A-Za-z0-9]{20}$/)
  })

  it('never puts a password in a command line: only in files and in heredocs on stdin', () => {
    for (const stage of plan)
      for (const script of stage.scripts)
        for (const line of commandLines(script.script))
          for (const secret of allSecrets(secrets)) expect(line, `${stage.id}: ${line}`).not.toContain(secret)
    // ...and they are really used: the Keystone stage's SQL and the Glance registration carry them.
    const ks = plan.find((s) => s.id === 'keystone')!.scripts[0]!.script
    expect(ks).toContain(`IDENTIFIED BY '${secrets.db.keystone}'`)
    const gl = plan.find((s) => s.id === 'glance')!.scripts[0]!.script
    expect(gl).toContain(`"password":"${secrets.service.glance}"`)
  })

  it('the heredoc scanner itself sees a password on a command line', () => {
    expect(commandLines("mysql <<'SQL'\nsecret1\nSQL\necho secret2").join('\n')).toBe(
      "mysql <<'SQL'\necho secret2",
    )
  })

  it("writes whole config files with the controller's address and the lab's passwords", () => {
    const file = (path: string) =>
      plan.flatMap((s) => s.files).find((f) => f.path === path) ?? expect.fail(`no ${path}`)
    expect(file('/etc/keystone/keystone.conf').content).toContain(
      `connection = mysql+pymysql://keystone:${secrets.db.keystone}@192.168.122.100/keystone`,
    )
    const glance = file('/etc/glance/glance-api.conf')
    expect(glance.owner).toBe('root:glance')
    expect(glance.mode).toBe('0640')
    expect(glance.content).toMatch(
      /^\[keystone_authtoken\]\nwww_authenticate_uri = http:\/\/192\.168\.122\.100:5000$/m,
    )
    expect(glance.content).toContain(`password = ${secrets.service.glance}`)
    expect(file('/etc/mysql/mariadb.conf.d/99-openstack.cnf').content).toContain(
      'bind-address = 192.168.122.100',
    )
    expect(file('/etc/default/etcd').content).toContain(
      'ETCD_INITIAL_CLUSTER="controller=http://192.168.122.100:2380"',
    )
    // Sized for a lab: Debian ships 8 processes of 32 threads per API.
    expect(file('/etc/keystone/keystone-uwsgi.ini').content).toMatch(/^processes = 2$/m)
    // and one process where an API is not on every request's path: each imports the service at its start
    expect(file('/etc/glance/glance-api-uwsgi.ini').content).toMatch(/^processes = 1$/m)
    expect(file('/etc/glance/glance-api-uwsgi.ini').content).toMatch(/^http-raw-body = true$/m)
    expect(file('/etc/placement/placement-api-uwsgi.ini').content).toMatch(/^processes = 1$/m)
    expect(file('/etc/nova/nova-api-uwsgi.ini').content).toMatch(/^processes = 2\nthreads = 1$/m)
    const novaConf = plan
      .flatMap((s) => s.files)
      .find((f) => f.node === 'controller' && f.path === '/etc/nova/nova.conf')
    expect(novaConf?.content).toMatch(/^\[conductor\]\nworkers = 1$/m)
    expect(file('/etc/cinder/cinder.conf').content).toMatch(/^lvm_type = default$/m)
    expect(file('/etc/cinder/cinder.conf').content).toMatch(/^backend_stats_polling_interval = 300$/m)
    for (const f of plan.flatMap((s) => s.files)) expect(f.purpose.length).toBeGreaterThan(5)
  })

  it("puts the lab's package proxy and mirror into apt's configuration on every node", () => {
    const withSource = debianPlan(
      lab({ packages: { proxy: 'http://192.168.122.1:3142', mirror: 'http://mirror.example.edu/debian' } }),
      secrets,
    )
    const prepare = withSource.find((s) => s.id === 'prepare')!
    const proxies = prepare.files.filter((f) => f.path === '/etc/apt/apt.conf.d/80stacklab-proxy')
    expect(proxies.map((f) => f.node)).toEqual(['controller', 'compute'])
    expect(proxies[0]!.content).toContain('Acquire::http::Proxy "http://192.168.122.1:3142";')
    const mirror = prepare.files.find((f) => f.path === '/etc/apt/sources.list.d/stacklab-mirror.list')!
    expect(mirror.content).toContain('deb http://mirror.example.edu/debian bookworm main')
    // Without a source, apt is left as the distribution set it.
    expect(plan.find((s) => s.id === 'prepare')!.files.some((f) => f.path.startsWith('/etc/apt/'))).toBe(
      false,
    )
  })

  it('refuses package sources that would inject into apt, and on a packstack lab', () => {
    const bad = [
      'http://192.168.122.1:3142";\nAPT::Update::Pre-Invoke { "touch /tmp/x"; };',
      'http://user:pw@mirror.example.edu/debian',
      'ftp://mirror.example.edu/debian',
      'http://mirror.example.edu/debian with space',
      "http://mirror.example.edu/'quote",
    ]
    for (const proxy of bad) {
      const r = LabDefinition.safeParse({ ...defaultLab('lab1', 'debian-12'), packages: { proxy } })
      expect(r.success, proxy).toBe(false)
      expect(r.error!.issues[0]!.path.join('.')).toBe('packages.proxy')
    }
    const packstack = LabDefinition.safeParse({
      ...defaultLab('lab1'),
      packages: { proxy: 'http://10.0.0.1:3142' },
    })
    expect(packstack.success).toBe(false)
    expect(packstack.error!.issues[0]!.message).toMatch(/installs OpenStack with packstack/)
  })

  it("reads the real openstack client's JSON in its checks", () => {
    const check = (stage: string, title: RegExp) =>
      plan.find((s) => s.id === stage)!.checks.find((c) => title.test(c.title))!
    // `openstack image list -f json` on an empty Glance prints [] (osc 6.0.0).
    expect(check('glance', /image list/).expect('[]')).toBeNull()
    expect(check('glance', /image list/).expect('<html>502 Bad Gateway</html>')).toMatch(/not a JSON list/)
    expect(
      check('keystone', /token/).expect(
        '{"expires": "2026-11-30T13:00:00+0000", "id": "gAAAA", "project_id": "x", "user_id": "y"}',
      ),
    ).toBeNull()
    expect(check('infra', /etcd/).expect('http://192.168.122.100:2379 is unhealthy: failed')).toMatch(
      /unhealthy/,
    )
  })

  it('keeps the secrets of the database off the compute nodes, and runs their guests under QEMU', () => {
    const files = plan.flatMap((s) => s.files)
    const on = (node: string, path: string) =>
      files.find((f) => f.node === node && f.path === path) ?? expect.fail(`no ${path} on ${node}`)
    const ctrlNova = on('controller', '/etc/nova/nova.conf').content
    expect(ctrlNova).toContain(
      `connection = mysql+pymysql://nova:${secrets.db.nova}@192.168.122.100/nova_api`,
    )
    expect(ctrlNova).toContain(`transport_url = rabbit://openstack:${secrets.rabbit}@192.168.122.100:5672/`)
    const computeNova = on('compute', '/etc/nova/nova.conf')
    expect(computeNova.content).not.toContain(secrets.db.nova)
    expect(computeNova.content).not.toMatch(/^connection =/m)
    expect(computeNova.content).toMatch(/^my_ip = 192\.168\.122\.110$/m)
    expect(computeNova.content).toContain('novncproxy_base_url = http://192.168.122.100:6080/vnc_auto.html')
    expect(computeNova.owner).toBe('root:nova')
    expect(computeNova.mode).toBe('0640')
    expect(on('compute', '/etc/nova/nova-compute.conf').content).toMatch(/^virt_type = qemu$/m)
    expect(on('controller', '/etc/default/nova-consoleproxy').content).toContain(
      'NOVA_CONSOLE_PROXY_TYPE=novnc',
    )
    // Nova's databases: one user, three databases, the password only in the SQL on stdin.
    const novaSql = plan.find((s) => s.id === 'nova')!.scripts[0]!.script
    for (const db of ['nova', 'nova_api', 'nova_cell0'])
      expect(novaSql).toContain(`GRANT ALL PRIVILEGES ON ${db}.* TO 'nova'@'%';`)
    // discover_hosts waits for the compute node by the name nova-compute registers (its FQDN).
    expect(plan.find((s) => s.id === 'nova')!.scripts.at(-1)!.script).toContain(
      'for host in compute.example.com;',
    )
  })

  it('wires ML2/OVN: OVN databases on the controller, a Geneve tunnel on the internal network', () => {
    const neutron = plan.find((s) => s.id === 'neutron')!
    const ml2 = neutron.files.find((f) => f.path === '/etc/neutron/plugins/ml2/ml2_conf.ini')!.content
    expect(ml2).toMatch(/^mechanism_drivers = ovn$/m)
    expect(ml2).toMatch(/^ovn_sb_connection = tcp:192\.168\.122\.100:6642$/m)
    const chassis = neutron.scripts.find((s) => s.node === 'compute')!.script
    expect(chassis).toContain('external-ids:ovn-remote=tcp:192.168.122.100:6642')
    expect(chassis).toContain('external-ids:ovn-encap-ip=192.168.90.110')
    expect(chassis).toContain('external-ids:hostname=compute.example.com')
    // nova-compute (user nova) reaches OVS's database on loopback TCP: its socket is root's alone.
    expect(chassis).toMatch(/^ovs-vsctl set-manager ptcp:6640:127\.0\.0\.1$/m)
    const nova = plan.find((s) => s.id === 'nova')!
    const computeConf = nova.files.find((f) => f.path === '/etc/nova/nova-compute.conf')!.content
    expect(computeConf).toMatch(/^\[os_vif_ovs\]\novsdb_connection = tcp:127\.0\.0\.1:6640$/m)
    // neutron-server as one eventlet service (Debian's uwsgi API never reached OVN's databases on the lab).
    const unit = neutron.files.find((f) => f.path === '/etc/systemd/system/neutron-server.service')!
    expect(unit.content).toMatch(/^ExecStart=\/usr\/bin\/neutron-server .*ml2_conf\.ini/m)
    expect(unit.content).toMatch(/^User=neutron$/m)
    expect(neutron.scripts[0]!.script).toContain('systemctl disable --now neutron-api neutron-rpc-server')
  })

  it('makes the controller the gateway chassis of an external network on br-ex, no NIC moved', () => {
    const neutron = plan.find((s) => s.id === 'neutron')!
    const unit = neutron.files.find((f) => f.path === '/etc/systemd/system/stacklab-br-ex.service')!
    expect(unit.node).toBe('controller')
    expect(unit.content).toMatch(/^ExecStart=\/usr\/bin\/ovs-vsctl --may-exist add-br br-ex$/m)
    expect(unit.content).toMatch(/^ExecStart=\/usr\/sbin\/ip address replace 203\.0\.113\.1\/24 dev br-ex$/m)
    expect(unit.content).not.toMatch(/add-port/)
    const gateway = neutron.scripts.find((s) => s.node === 'controller')!.script
    expect(gateway).toContain('external-ids:ovn-bridge-mappings=provider:br-ex')
    expect(gateway).toContain('external-ids:ovn-cms-options=enable-chassis-as-gw')
    expect(gateway).toContain('external-ids:ovn-encap-ip=192.168.90.100')
    expect(gateway).toContain('external-ids:hostname=controller.example.com')
    // after the OVN databases it points at, and after the bridge exists
    expect(gateway.indexOf('ovn-central')).toBeLessThan(gateway.indexOf('ovn-bridge-mappings'))
    expect(gateway.indexOf('stacklab-br-ex')).toBeLessThan(gateway.indexOf('restart ovn-host'))
    // computes are plain chassis: no gateway, no bridge mapping
    const compute = neutron.scripts.find((s) => s.node === 'compute')!.script
    expect(compute).not.toContain('ovn-bridge-mappings')
    expect(compute).not.toContain('enable-chassis-as-gw')
    const bridge = neutron.checks.find((c) => c.command.includes('br-ex'))!
    expect(bridge.expect('3: br-ex    inet 203.0.113.1/24 scope global br-ex')).toBeNull()
    expect(bridge.expect('')).toMatch(/does not hold 203\.0\.113\.1/)
    const chassis = neutron.checks.find((c) => c.command.includes('list Chassis'))!
    expect(chassis.expect('hostname : "compute.example.com"')).toMatch(/controller\.example\.com/)
  })

  it("points Horizon at the lab's Keystone and runs it in one WSGI daemon process", () => {
    const horizon = plan.find((s) => s.id === 'horizon')!
    const settings = horizon.files.find((f) => f.path.endsWith('_50_stacklab.py'))!.content
    expect(settings).toContain('OPENSTACK_HOST = "192.168.122.100"')
    expect(settings).toContain("'LOCATION': '192.168.122.100:11211'")
    const site = horizon.files.find(
      (f) => f.path === '/etc/apache2/sites-available/openstack-dashboard.conf',
    )!
    expect(site.content).toMatch(/WSGIDaemonProcess horizon .*processes=1/)
    expect(site.content).toContain('WSGIProcessGroup horizon')
    // At /horizon, Debian's WEBROOT: its login redirect and its compressed pages' static files are there.
    expect(site.content).toMatch(
      /^ {4}WSGIScriptAlias \/horizon \/usr\/share\/openstack-dashboard\/wsgi\.py$/m,
    )
    expect(site.content).toMatch(/^ {4}Alias \/horizon\/static \/var\/lib\/openstack-dashboard\/static$/m)
    const page = horizon.checks[0]!
    expect(page.command).toContain('http://192.168.122.100/horizon/auth/login/')
    expect(page.expect('200\n<html>... <button id="loginBtn" type="submit">Sign In</button>')).toBeNull()
    expect(page.expect('500\nInternal Server Error')).toBe('HTTP 500')
    expect(page.expect('200\n<html>It works!</html>')).toMatch(/no "id="loginBtn""/)
  })

  it("answers the same debconf questions as the test template's preseed", () => {
    const preseed = readFileSync('test/lab/template/openstack-preseed.txt', 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
    expect([...DEBCONF_SELECTIONS].sort()).toEqual(preseed.sort())
  })
})

describe("reading Nova's and Neutron's lists", () => {
  const up = (binary: string, host: string, state = 'up', status = 'enabled') => ({
    ID: '1b2c',
    Binary: binary,
    Host: host,
    Zone: 'internal',
    Status: status,
    State: state,
    'Updated At': '2026-11-30T16:00:00.000000',
  })
  const want = [{ binary: 'nova-conductor' }, { binary: 'nova-compute', host: 'compute.example.com' }]

  it('finds every compute service up, or names the one that is not', () => {
    // As the real client printed it on the lab after the Nova stage.
    const real = readFileSync('test/fixtures/openstack/compute-service-list-zed.json', 'utf8')
    expect(servicesWrong(real, 'compute', [...want, { binary: 'nova-scheduler' }])).toBeNull()
    const fine = [up('nova-conductor', 'controller.example.com'), up('nova-compute', 'compute.example.com')]
    expect(servicesWrong(JSON.stringify(fine), 'compute', want)).toBeNull()
    expect(servicesWrong(JSON.stringify(fine.slice(0, 1)), 'compute', want)).toBe(
      'nova-compute on compute.example.com is not registered',
    )
    const down = [fine[0], up('nova-compute', 'compute.example.com', 'down')]
    expect(servicesWrong(JSON.stringify(down), 'compute', want)).toBe(
      'nova-compute on compute.example.com is enabled and down',
    )
    expect(
      servicesWrong('Unable to establish connection to http://192.168.122.100:8774', 'compute', want),
    ).toMatch(/not a JSON list/)
  })

  it("reads Cinder's volume service list the same way (its hosts carry the backend)", () => {
    const volumes = [up('cinder-scheduler', 'controller'), up('cinder-volume', 'controller@lvm')]
    const want = [{ binary: 'cinder-scheduler' }, { binary: 'cinder-volume' }]
    expect(servicesWrong(JSON.stringify(volumes), 'volume', want)).toBeNull()
    expect(
      servicesWrong(
        JSON.stringify([volumes[0], up('cinder-volume', 'controller@lvm', 'down')]),
        'volume',
        want,
      ),
    ).toBe('cinder-volume on controller@lvm is enabled and down')
    expect(servicesWrong('[]', 'volume', want)).toBe('cinder-scheduler is not registered')
    expect(servicesWrong('The service catalog is empty.', 'volume', want)).toBe(
      'volume service list is not a JSON list',
    )
  })

  it('wants an alive OVN Controller agent per compute node', () => {
    const agent = (host: string, alive: unknown) => ({
      ID: host,
      'Agent Type': 'OVN Controller agent',
      Host: host,
      'Availability Zone': '',
      Alive: alive,
      State: true,
      Binary: 'ovn-controller',
    })
    expect(
      ovnAgentsWrong(JSON.stringify([agent('compute.example.com', true)]), ['compute.example.com']),
    ).toBeNull()
    expect(
      ovnAgentsWrong(JSON.stringify([agent('compute.example.com', false)]), ['compute.example.com']),
    ).toMatch(/not alive/)
    expect(ovnAgentsWrong('[]', ['compute.example.com'])).toBe(
      'no OVN Controller agent on compute.example.com',
    )
  })

  it('wants the controller as the gateway chassis, and keeps its options where Neutron Zed reads them', () => {
    const neutron = debianPlan(lab(), newSecrets()).find((s) => s.id === 'neutron')!
    const check = neutron.checks.find((k) => k.command.includes('network agent list'))!
    const fixture = (name: string) => readFileSync(`test/fixtures/openstack/${name}`, 'utf8')
    // recorded on the lab: before the compat unit the controller is a plain OVN Controller agent
    expect(check.expect(fixture('network-agent-list-zed-no-gateway.json'))).toMatch(
      /controller\.example\.com is not a gateway chassis/,
    )
    expect(check.expect(fixture('network-agent-list-zed-gateway.json'))).toBeNull()
    expect(gatewayWrong('{}', 'controller.example.com')).toMatch(/not a JSON list/)
    const unit = neutron.files.find((f) => f.path.endsWith('stacklab-ovn-chassis-compat.service'))!
    expect(unit.content).toMatch(/PartOf=ovn-controller\.service/)
    expect(unit.content).toMatch(/WantedBy=ovn-controller\.service/)
    const script = neutron.files.find((f) => f.path === '/usr/local/lib/stacklab/ovn-chassis-compat')!
    expect(script.mode).toBe('0755')
    expect(script.content).toMatch(/set Chassis "\$id" external_ids:ovn-cms-options="\$cms"/)
    const setup = neutron.scripts.find((s) => s.node === 'controller')!.script
    expect(setup.indexOf('enable stacklab-ovn-chassis-compat')).toBeGreaterThan(
      setup.indexOf('enable ovn-host'),
    )
  })
})

describe('what a failed stage says about its cause', () => {
  it("names the cause from the real tools' messages, and nothing for output it does not know", () => {
    // Measured on the lab (2026-11-30): MariaDB masked during a stage; nova-conductor under emulation.
    expect(
      failureCause(
        "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)",
      ),
    ).toMatch(/^MariaDB is not answering/)
    expect(failureCause('Job for nova-conductor.service failed because a timeout was exceeded.')).toMatch(
      /longer to start than systemd allows/,
    )
    expect(
      failureCause(
        `(pymysql.err.OperationalError) (1045, "Access denied for user 'nova'@'controller.example.com' (using password: YES)")`,
      ),
    ).toMatch(/refused a service's password/)
    expect(
      failureCause(
        'ERROR oslo.messaging._drivers.impl_rabbit [-] AMQP server on 192.168.122.100:5672 is unreachable: [Errno 111] ECONNREFUSED.',
      ),
    ).toMatch(/RabbitMQ/)
    expect(
      failureCause('E: Failed to fetch http://deb.debian.org/debian/pool/main/n/nova/nova-api.deb'),
    ).toMatch(/package source/)
    expect(failureCause('Traceback (most recent call last):\nKeyError: foo')).toBeNull()
  })
})

describe('joining a compute node added after the install (debianJoinPlan)', () => {
  const secrets = newSecrets()
  const base = defaultLab('lab1', 'debian-12')
  const def = LabDefinition.parse({
    ...base,
    nodes: [
      ...base.nodes,
      {
        name: 'compute1',
        role: 'compute',
        vcpus: 1,
        memoryMiB: 2560,
        diskGiB: 6,
        nics: [
          { network: 'default', ip: '192.168.122.111' },
          { network: 'lab1-int', ip: '192.168.90.111' },
        ],
      },
    ],
  })
  const plan = debianJoinPlan(def, secrets, 'compute1')
  const text = (s: (typeof plan)[number]) =>
    [...s.files.map((f) => f.content), ...s.scripts.map((r) => r.script)].join('\n')

  it('runs the stages with work on a compute node, as the job lists them', () => {
    expect(plan.map((s) => s.id)).toEqual(['prepare', 'nova', 'neutron', 'cinder'])
    expect(plan.map((s) => `join-${s.id}`)).toEqual(
      debianJoinSteps(def, 'compute1')
        .map((s) => s.id)
        .filter((id) => id !== 'join-checkpoint' && id !== 'join-connect'),
    )
    // Without Cinder (no data disk on the controller) the job has no Cinder step either.
    const noCinder = LabDefinition.parse({
      ...def,
      nodes: def.nodes.map((n) => (n.role === 'controller' ? { ...n, dataDiskGiB: undefined } : n)),
    })
    expect(debianJoinPlan(noCinder, secrets, 'compute1').map((s) => s.id)).toEqual([
      'prepare',
      'nova',
      'neutron',
    ])
    expect(debianJoinSteps(noCinder, 'compute1').some((s) => s.id === 'join-cinder')).toBe(false)
  })

  it("writes and runs only on the new node, but for nova's discover_hosts on the controller", () => {
    for (const s of plan) {
      expect(s.files.every((f) => f.node === 'compute1')).toBe(true)
      expect(s.packages.every((p) => p.node === 'compute1')).toBe(true)
    }
    const onController = plan.flatMap((s) => s.scripts.filter((r) => r.node !== 'compute1'))
    expect(onController).toHaveLength(1)
    expect(onController[0]!.node).toBe('controller')
    expect(onController[0]!.script).toContain('cell_v2 discover_hosts')
    // It waits for the new host alone, not for the compute node that is already mapped.
    expect(onController[0]!.script).toMatch(/for host in compute1\.example\.com; do/)
    // Nothing of the controller's own stages runs again: no database, no Keystone, no service restart there.
    expect(plan.map(text).join('\n')).not.toMatch(/mysql|db sync|ensure-service|ovn-central/)
  })

  it("configures the new node with its own addresses: nova's my_ip, OVN's tunnel", () => {
    const nova = plan.find((s) => s.id === 'nova')!
    const conf = nova.files.find((f) => f.path === '/etc/nova/nova.conf')!.content
    expect(conf).toMatch(/^my_ip = 192\.168\.122\.111$/m)
    expect(conf).not.toContain('192.168.122.110')
    const neutron = text(plan.find((s) => s.id === 'neutron')!)
    expect(neutron).toContain('external-ids:ovn-encap-ip=192.168.90.111')
    expect(neutron).toContain('external-ids:hostname=compute1.example.com')
    expect(neutron).not.toContain('enable-chassis-as-gw')
  })

  it('checks the new node by name: nova-compute up, a hypervisor, an OVN chassis and agent', () => {
    const checks = plan.flatMap((s) => s.checks)
    expect(checks.map((c) => c.title)).toEqual([
      'compute services are up (openstack compute service list)',
      'every compute node is a hypervisor (openstack hypervisor list)',
      'OVN sees every compute node and the gateway as a chassis (ovn-sbctl)',
      'network agents are alive (openstack network agent list)',
    ])
    const services = checks[0]!
    const row = (host: string, state = 'up') => ({
      Binary: 'nova-compute',
      Host: host,
      Status: 'enabled',
      State: state,
    })
    const ctl = [
      { Binary: 'nova-scheduler', Host: 'controller.example.com', Status: 'enabled', State: 'up' },
      { Binary: 'nova-conductor', Host: 'controller.example.com', Status: 'enabled', State: 'up' },
    ]
    // Only the old compute node registered: the new one is named as missing.
    expect(services.expect(JSON.stringify([...ctl, row('compute.example.com')]))).toBe(
      'nova-compute on compute1.example.com is not registered',
    )
    expect(services.expect(JSON.stringify([...ctl, row('compute1.example.com', 'down')]))).toBe(
      'nova-compute on compute1.example.com is enabled and down',
    )
    expect(services.expect(JSON.stringify([...ctl, row('compute1.example.com')]))).toBeNull()
  })

  it('refuses a node that is not a compute node of the lab', () => {
    expect(() => debianJoinPlan(def, secrets, 'controller')).toThrow(/not a compute node/)
    expect(() => debianJoinPlan(def, secrets, 'nope')).toThrow(/not a compute node/)
  })
})

describe('retry after a failed or cancelled stage', () => {
  const all = DEBIAN_STAGES.map((s) => ({ id: s.id, title: s.title }))
  const afterGlance: StagesState = {
    done: ['prepare', 'infra', 'keystone', 'glance'],
    current: null,
    failed: 'placement',
    seconds: {},
  }

  it('restores the checkpoint of a stage that had begun, then runs from it', () => {
    const st = { ...afterGlance, stageStartedAt: '2026-12-02T15:00:00.000Z' }
    expect(failedStageBegun(st)).toBe(true)
    const steps = debianJobSteps(st, { retry: true, reattach: false }, all)
    expect(steps.map((s) => s.id)).toEqual([
      'restore',
      'connect',
      'placement',
      'nova',
      'neutron',
      'horizon',
      'cinder',
    ])
    expect(steps[0]!.title).toBe('Restore checkpoint "pre-placement"')
  })

  it('runs a stage cancelled before it began without a restore: it has no checkpoint, nothing of it ran', () => {
    const st = { ...afterGlance, stageStartedAt: null }
    expect(failedStageBegun(st)).toBe(false)
    const steps = debianJobSteps(st, { retry: true, reattach: false }, all)
    expect(steps.map((s) => s.id)).toEqual(['connect', 'placement', 'nova', 'neutron', 'horizon', 'cinder'])
  })

  it('counts a state saved before start times were kept as begun (every failed stage then had)', () => {
    expect(failedStageBegun(afterGlance)).toBe(true)
    expect(failedStageBegun({ ...afterGlance, failed: null, stageStartedAt: null })).toBe(false)
  })
})
