// The distribution-packages install plan (src-main/engine/install/debian/plan.ts): the stages in seed 004's
// order, the config files written whole with the lab's addresses, every password kept out of process
// arguments (only in files and in heredocs fed on stdin), the lab's package source in apt's configuration,
// and the checks that parse what the real `openstack` prints.
import { describe, expect, it } from 'vitest'
import { DEBIAN_STAGES } from '../../src-shared/install'
import { LabDefinition, defaultLab } from '../../src-shared/lab'
import { debianPlan, type CloudSecrets } from '../../src-main/engine/install/debian/plan'
import { newSecrets } from '../../src-main/engine/install/debian/run'

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
    expect(plan.map((s) => s.id)).toEqual(['prepare', 'infra', 'keystone', 'glance', 'placement'])
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
})
