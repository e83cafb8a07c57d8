// Issue #13, item 5: the failure classes `packstack explain` and the Install page recognise, each on a
// recorded real output (test/fixtures/packstack/SOURCES.md), and for every generic hint a case where its
// words appear without its evidence and it must stay silent.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PackstackReport } from '../../src-shared/packstack'
import { explain } from '../../src-main/engine/packstack/parse'
import { matchHints } from '../../src-main/engine/packstack/hints'

const dir = join(__dirname, '../fixtures/packstack')
const text = (name: string) => readFileSync(join(dir, name), 'utf8')
const report = (name: string) => PackstackReport.parse(explain(text(name)))
const ids = (r: PackstackReport) => r.hints.map((h) => h.id)
const hint = (r: PackstackReport, id: string) => r.hints.find((h) => h.id === id)

describe('new failure classes on recorded output', () => {
  it('Invalid parameter on Class[...]: packstack and its modules from different releases', () => {
    const r = report('fail-puppet-invalid-parameter-ironic.txt')
    expect(r.outcome).toBe('failed')
    expect(r.failure?.manifest).toBe('192.168.122.129_ironic.pp')
    expect(hint(r, 'puppet-invalid-parameter')?.message).toBe(
      'packstack passes the parameter rabbit_user to the Puppet class Ironic, which does not have it: packstack and its Puppet modules come from different releases.',
    )
    expect(hint(r, 'puppet-invalid-parameter')?.fix).toMatch(/openstack-packstack-puppet/)
  })

  it('a hiera key that is not CONFIG_* (DEFAULT_EXEC_TIMEOUT) is its own class, with ESC[ codes as text', () => {
    const r = report('fail-prescript-hiera-exec-timeout.txt')
    expect(r.outcome).toBe('failed')
    expect(r.failure?.manifest).toBe('10.141.0.3_prescript.pp')
    // "ESC[0m" pasted after the path is not part of it.
    expect(r.manifestLogs).toEqual([
      '/var/tmp/packstack/20151222-095323-G6Ennr/manifests/10.141.0.3_prescript.pp.log',
    ])
    expect(r.errorLines[1]).toMatch(/on node openstack\.cluster$/)
    expect(hint(r, 'hiera-key-missing')?.message).toMatch(/^Puppet looked up DEFAULT_EXEC_TIMEOUT /)
    expect(ids(r)).not.toContain('answer-file-outdated')
    // The unit that failed to load, printed after the bullets.
    expect(hint(r, 'unit-not-loaded')?.message).toMatch(
      /^The systemd unit openstack-nova-compute does not exist/,
    )
    expect(hint(r, 'unit-not-loaded')?.evidence).toBe(
      'Failed to issue method call: Unit openstack-nova-compute.service failed to load: No such file or directory.',
    )
  })

  it('a CONFIG_* hiera key stays answer-file-outdated, not hiera-key-missing', () => {
    const r = report('fail-prescript-hiera.txt')
    expect(ids(r)).toContain('answer-file-outdated')
    expect(ids(r)).not.toContain('hiera-key-missing')
  })

  it('EPEL packages in the remote script (puppet from epel)', () => {
    const r = report('fail-remote-script-epel-puppet.txt')
    expect(r.outcome).toBe('failed')
    expect(ids(r)).toEqual(['epel-conflict'])
    expect(r.hints[0]!.evidence).toBe('Error: Package: puppet-3.6.2-3.el7.noarch (epel)')
  })

  it('Erlang for RabbitMQ from EPEL, in a pasted Puppet log: epel-conflict, not the host-name hint', () => {
    const r = report('puppet-rabbitmq-erlang-epel.txt')
    expect(r.outcome).toBe('incomplete') // a manifest log, not a packstack run
    expect(ids(r)).toContain('epel-conflict')
    expect(ids(r)).not.toContain('rabbitmq-hostname')
  })

  it('Job for network.service failed and units that fail to load', () => {
    const r = report('fail-remote-script-network-service.txt')
    expect(r.outcome).toBe('failed')
    expect(ids(r)).toEqual(['network-service', 'unit-not-loaded'])
    expect(hint(r, 'network-service')?.fix).toMatch(/On EL8\/EL9 leave the interfaces to NetworkManager/)
    expect(hint(r, 'unit-not-loaded')?.message).toMatch(/openstack-nova-compute/)
  })

  it('SELinux denial next to a service that did not start', () => {
    const r = report('fail-nova-api-selinux-avc.txt')
    expect(ids(r)).toEqual(['selinux', 'service-start-failed'])
    expect(hint(r, 'selinux')?.evidence).toMatch(/avc: {2}denied {2}\{ getattr \}/)
    expect(hint(r, 'service-start-failed')?.message).toBe('The service nova-api did not start on the node.')
  })

  it('MariaDB that did not start is the mariadb hint, on its own evidence', () => {
    const r = report('fail-mysql-service-start.txt')
    expect(r.failure?.manifest).toBe('192.168.1.127_mysql.pp')
    expect(ids(r)).toContain('mariadb')
    expect(hint(r, 'mariadb')?.evidence).toMatch(/^Error: Could not start Service\[mysqld\]/)
  })

  it('a repository 404 (vault path that is not there): repo-404 alone', () => {
    const r = report('node-log-repo-404.txt')
    expect(ids(r)).toEqual(['repo-404', 'network-service', 'unit-not-loaded'])
    expect(hint(r, 'repo-404')?.evidence).toBe(
      'http://vault.centos.org/7.0.1406/os/x86_64/repodata/repomd.xml: [Errno 14] HTTP Error 404 - Not Found',
    )
  })

  it('the MariaDB module stream (EL9) by its dnf message', () => {
    // No recorded packstack output of this failure was found (SOURCES.md); the line is dnf's message form
    // for a filtered package (as in the modular-filtering reports there), with MariaDB's package.
    expect(
      matchHints([
        '  - package mariadb-server-galera-3:10.11.6-1.el9.x86_64 is filtered out by modular filtering',
      ]).map((h) => h.id),
    ).toEqual(['mariadb-module'])
  })
})

describe('old packstack and colour codes as text', () => {
  it('"Welcome to Installer setup utility" (before 2014) starts a run like the new banner', () => {
    const r = explain(text('fail-ntp-controller.txt') + text('success-juno-installer-welcome.txt'))
    expect(r.outcome).toBe('success')
    expect(r.errorLines).toEqual([])
    expect(r.hints).toEqual([])
    expect(r.steps.filter((s) => s.kind === 'step')).toHaveLength(52)
    expect(r.steps.filter((s) => s.kind === 'manifest')).toHaveLength(21)
  })

  it.each([
    ['\\u001b[0;31m', '\\u001b[0m'],
    ['\\u001B[1;31m', '\\u001B[0m'],
    ['ESC[0;31m', 'ESC[0m'],
    ['^[[0;31m', '^[[0m'],
    ['\\033[0;31m', '\\033[0m'],
    ['\\x1b[0;31m', '\\x1b[0m'],
  ])('%s ... %s pasted as text is read like the escape', (on, off) => {
    const real = text('fail-puppet-mariadb-mitaka.txt')
    const pasted = real
      .replace(/^( *)(ERROR : .*)$/m, `$1${on}$2${off}`)
      .replace(/\[ ERROR \]/g, `[ ${on}ERROR${off} ]`)
    expect(pasted).toContain(on)
    const a = explain(real)
    const b = explain(pasted)
    expect(b.failure).toEqual(a.failure)
    expect(b.errorLines).toEqual(a.errorLines)
    expect(b.steps).toEqual(a.steps)
  })
})

describe('generic hints fire only on their own evidence', () => {
  const none = (lines: string[], id: string) => expect(matchHints(lines).map((h) => h.id)).not.toContain(id)

  it('mariadb: the name of the failed manifest alone is no evidence', () => {
    // The manifest lines of the recorded Mitaka failure, without its mysql-module error line.
    none(
      [
        'ERROR : Error appeared during Puppet run: 192.168.2.210_mariadb.pp',
        '192.168.2.210_mariadb.pp [ ERROR ]',
        'You will find full trace in log /var/tmp/packstack/20160530-061203-4Z6ly5/manifests/192.168.2.210_mariadb.pp.log',
      ],
      'mariadb',
    )
  })

  it('rabbitmq-hostname: a package or class named rabbitmq is no evidence', () => {
    none(text('puppet-rabbitmq-erlang-epel.txt').split('\n'), 'rabbitmq-hostname')
    none(['Adding AMQP manifest entries [ DONE ]', 'Applying 192.168.1.127_amqp.pp'], 'rabbitmq-hostname')
  })

  it('centos7-eol-mirrors and repo-unreachable: a 404 from vault is repo-404', () => {
    const lines = text('node-log-repo-404.txt').split('\n')
    none(lines, 'centos7-eol-mirrors')
    none(lines, 'repo-unreachable')
  })

  it('epel-conflict: EPEL mentioned in a package or path name is no evidence', () => {
    none(["Error: Execution of '/usr/bin/yum -d 0 -e 0 -y install epel-release' returned 1"], 'epel-conflict')
  })

  it('hiera-key-missing and answer-file-outdated split by the key', () => {
    none(['Error: Could not find data item CONFIG_USE_SUBNETS in any Hiera data file'], 'hiera-key-missing')
    none(
      ['Error: Could not find data item DEFAULT_EXEC_TIMEOUT in any Hiera data file'],
      'answer-file-outdated',
    )
  })

  it('puppet-invalid-parameter: a parameter of a resource that is not a class', () => {
    none(
      ['Error: Invalid parameter ensure on Concat[/etc/awslogs/awslogs.conf] at init.pp:96'],
      'puppet-invalid-parameter',
    )
  })

  it('network-service and unit-not-loaded: the status command a message suggests is no evidence', () => {
    const lines = ["See 'systemctl status network.service' and 'journalctl -xn' for details."]
    none(lines, 'network-service')
    none(lines, 'unit-not-loaded')
    none(['Job for network.service failed.'], 'unit-not-loaded')
  })

  it('mariadb-module: a module mentioned without MariaDB, or MariaDB without a module', () => {
    none(
      [
        '  - package runc-1.0.0-64.rc10.module_el8.3.0+479+69e2ae26.x86_64 is filtered out by modular filtering',
      ],
      'mariadb-module',
    )
    none(['Adding MariaDB manifest entries [ DONE ]'], 'mariadb-module')
  })

  it('selinux: a package named openstack-selinux is no denial', () => {
    none(["Error: Execution of '/usr/bin/yum -d 0 -e 0 -y install openstack-selinux' returned 1"], 'selinux')
  })

  it('a successful run with every manifest name gives no failure hint', () => {
    const r = explain(text('success-juno-installer-welcome.txt'))
    expect(r.hints).toEqual([])
  })
})
