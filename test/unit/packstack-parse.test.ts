// The packstack output parser on recorded real packstack runs (test/fixtures/packstack/SOURCES.md) and on
// the test double's output, whole and fed in pieces split at every byte.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PackstackReport } from '../../src-shared/packstack'
import { PackstackParser, explain } from '../../src-main/engine/packstack/parse'
import { stripAnsi } from '../../src-shared/text'
import { HINT_RULES, matchHints } from '../../src-main/engine/packstack/hints'

const dir = join(__dirname, '../fixtures/packstack')
const bytes = (name: string) => readFileSync(join(dir, name))
const report = (name: string) => PackstackReport.parse(explain(bytes(name)))
const hintIds = (r: PackstackReport) => r.hints.map((h) => h.id)
const manifests = (r: PackstackReport) =>
  r.steps.filter((s) => s.kind === 'manifest').map((s) => `${s.manifest}=${s.status}`)

describe('real packstack output', () => {
  it('a multi-node success: every step done, manifests per host, Horizon URL, logs', () => {
    const r = report('success-victoria-multinode.txt')
    expect(r.outcome).toBe('success')
    expect(r.failure).toBeNull()
    expect(r.steps.filter((s) => s.kind === 'step')).toHaveLength(43)
    expect(r.steps.every((s) => s.status === 'done')).toBe(true)
    expect(r.steps[0]).toEqual({
      title: 'Clean Up',
      kind: 'step',
      status: 'done',
      host: null,
      manifest: null,
    })
    expect(r.steps.map((s) => s.title)).toContain(
      'Fixing Keystone LDAP config parameters to be undef if empty',
    )
    expect(manifests(r)).toEqual([
      '192.168.44.100_controller.pp=done',
      '192.168.44.100_network.pp=done',
      '192.168.44.101_compute.pp=done',
      '192.168.44.102_compute.pp=done',
    ])
    expect(r.steps.find((s) => s.manifest === '192.168.44.102_compute.pp')?.host).toBe('192.168.44.102')
    expect(r.horizonUrl).toBe('http://192.168.44.100/dashboard')
    expect(r.logFile).toBe('/var/tmp/packstack/20250402-000209-jp4k63yu/openstack-setup.log')
    expect(r.manifestsDir).toBe('/var/tmp/packstack/20250402-000209-jp4k63yu/manifests')
    expect(r.additionalInfo).toHaveLength(6)
    expect(r.additionalInfo[3]).toBe(
      'To access the OpenStack Dashboard browse to http://192.168.44.100/dashboard .\nPlease, find your login credentials stored in the keystonerc_admin in your home directory.',
    )
    expect(r.errorLines).toEqual([])
    expect(r.waitingFor).toEqual([])
    expect(hintIds(r)).toEqual(['ntp-skipped'])
  })

  it('a puppet error on one manifest: failing manifest, host, error line, both logs, hints', () => {
    const r = report('fail-puppet-mariadb-mitaka.txt')
    expect(r.outcome).toBe('failed')
    expect(r.failure).toEqual({
      step: 'Applying Puppet manifests',
      manifest: '192.168.2.210_mariadb.pp',
      host: '192.168.2.210',
      message: 'Error appeared during Puppet run: 192.168.2.210_mariadb.pp',
    })
    expect(manifests(r)).toEqual([
      '192.168.2.210_prescript.pp=done',
      '192.168.2.210_amqp.pp=done',
      '192.168.2.210_mariadb.pp=error',
    ])
    expect(r.errorLines[1]).toMatch(/^Error: Could not set 'running' on ensure: undefined method `strip'/)
    expect(r.logFile).toBe('/var/tmp/packstack/20160530-061203-4Z6ly5/openstack-setup.log')
    expect(r.manifestLogs).toEqual([
      '/var/tmp/packstack/20160530-061203-4Z6ly5/manifests/192.168.2.210_mariadb.pp.log',
    ])
    expect(r.answerFile).toBe('/root/packstack-answers-20160530-061204.txt')
    expect(r.horizonUrl).toBe('http://192.168.2.210/dashboard')
    expect(hintIds(r)).toEqual(['network-manager', 'mariadb', 'ntp-skipped'])
    expect(r.hints.find((h) => h.id === 'network-manager')?.evidence).toMatch(
      /NetworkManager is active on 192.168.2.210/,
    )
  })

  it('a remote script failure before Puppet: the step, the host from ssh, the stderr lines, the fix', () => {
    const r = report('fail-remote-script-facter.txt')
    expect(r.outcome).toBe('failed')
    expect(r.failure).toEqual({
      step: "Pre installing Puppet and discovering hosts' details",
      manifest: null,
      host: '192.168.80.131',
      message: 'Failed to run remote script, stdout:',
    })
    expect(r.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'error'])
    expect(r.errorLines).toContain('+ facter -p')
    expect(r.errorLines.at(-1)).toBe('++ exit 127')
    expect(r.logFile).toBe('/var/tmp/packstack/20200225-165221-lPGSAC/openstack-setup.log')
    const hint = r.hints.find((h) => h.id === 'facter-leatherman')
    expect(hint?.fix).toMatch(/yum downgrade -y leatherman/)
  })

  it('an unreachable yum repository (DNS): repo hint, host, log file', () => {
    const r = report('fail-yum-resolve-host.txt')
    expect(r.outcome).toBe('failed')
    expect(r.failure?.host).toBe('192.168.115.115')
    expect(r.failure?.step).toBeNull()
    expect(r.errorLines).toHaveLength(11)
    expect(r.logFile).toBe('/var/tmp/packstack/20141102-222130-D8Ve6D/openstack-setup.log')
    expect(hintIds(r)).toEqual(['repo-unreachable'])
    expect(r.hints[0]!.evidence).toMatch(/Couldn't resolve host 'yum.theforeman.org'/)
  })

  it('a yum install failure inside a manifest names the package in the hint', () => {
    const r = report('fail-yum-install-dashboard.txt')
    expect(r.failure?.manifest).toBe('10.17.10.172_controller.pp')
    expect(r.horizonUrl).toBe('https://10.17.10.172/dashboard')
    const hint = r.hints.find((h) => h.id === 'package-install-failed')!
    expect(hint.message).toBe('Installing openstack-dashboard failed on the node.')
    expect(hint.fix).toMatch(/yum -y install openstack-dashboard/)
  })

  it('an NTP server the node cannot reach', () => {
    const r = report('fail-ntp-controller.txt')
    expect(r.outcome).toBe('failed')
    expect(r.failure?.host).toBe('10.17.10.172')
    expect(r.hints.map((h) => h.id)).toEqual(['ntp-unreachable'])
    expect(r.hints[0]!.message).toBe('The node could not reach the NTP server 203.248.240.140.')
  })

  it('an answer file from another packstack version', () => {
    const r = report('fail-prescript-hiera.txt')
    expect(r.failure?.manifest).toBe('192.168.1.5_prescript.pp')
    expect(r.hints[0]!.id).toBe('answer-file-outdated')
    expect(r.hints[0]!.message).toMatch(/CONFIG_USE_SUBNETS/)
  })

  it('MariaDB password validation, tab-indented and terminal-wrapped as pasted', () => {
    const r = report('fail-mariadb-password-validation.txt')
    expect(r.failure?.manifest).toBe('192.168.1.123_controller.pp')
    expect(r.errorLines).toHaveLength(5)
    expect(hintIds(r)).toEqual(['mariadb-password-validation', 'mariadb'])
    expect(r.answerFile).toBe('/root/packstack-answers-20170621-144129.txt')
  })

  it('an output that stops while Puppet runs is incomplete and says what it waits for', () => {
    const r = report('incomplete-allinone-waiting.txt')
    expect(r.outcome).toBe('incomplete')
    expect(r.failure).toBeNull()
    expect(r.steps.filter((s) => s.status === 'done')).toHaveLength(40)
    expect(manifests(r)).toEqual(['192.168.20.5_controller.pp=running'])
    expect(r.waitingFor).toEqual(['192.168.20.5_controller.pp'])
    const hint = r.hints.find((h) => h.id === 'puppet-still-running')!
    expect(hint.fix).toContain(
      "ssh root@192.168.20.5 'tail -f /var/tmp/packstack/*/manifests/192.168.20.5_controller.pp.running'",
    )
  })

  it('an ssh password prompt in the middle of a run', () => {
    const r = report('success-ssh-password-prompt.txt')
    expect(r.outcome).toBe('success')
    expect(r.prompts).toEqual(["root@10.0.0.201's password:"])
    expect(hintIds(r)).toEqual(['ssh-password-prompt'])
  })
})

describe('captures of more than one command', () => {
  it('a second run in the same capture starts the report over', () => {
    const text = `${bytes('fail-puppet-mariadb-mitaka.txt').toString()}${bytes('double-success-pipe.txt').toString()}`
    const r = explain(text)
    expect(r.outcome).toBe('success')
    expect(r.failure).toBeNull()
    expect(r.manifestLogs).toEqual([])
    expect(r.steps.some((s) => s.title.includes('192.168.2.210'))).toBe(false)
  })

  it('bullets printed by --gen-answer-file before the run do not swallow its steps', () => {
    // What 2818428218's author captured: the answer file's notes, then the run (the run is our fixture).
    const notes =
      'Additional information:\n * Parameter CONFIG_NEUTRON_L2_AGENT: You have chosen OVN Neutron backend.\n'
    const withoutWelcome = bytes('success-victoria-multinode.txt')
      .toString()
      .replace(/^Welcome.*\n/, '')
    const r = explain(notes + withoutWelcome)
    expect(r.outcome).toBe('success')
    expect(r.steps.filter((s) => s.kind === 'manifest')).toHaveLength(4)
  })

  it('a run interrupted with Ctrl-C is incomplete and says so', () => {
    // The recorded waiting run, followed by what Python prints for an uncaught KeyboardInterrupt.
    const text = `${bytes('incomplete-allinone-waiting.txt').toString()}^CTraceback (most recent call last):\n  File "/usr/bin/packstack", line 10, in <module>\n    sys.exit(main())\nKeyboardInterrupt\n`
    const r = explain(text)
    expect(r.outcome).toBe('incomplete')
    expect(r.hints.map((h) => h.id)).toEqual(['interrupted', 'puppet-still-running'])
  })

  it("optparse's usage error is a failure with its message", () => {
    const r = explain('Usage: packstack [options] [--help]\n\npackstack: error: no such option: --bogus\n')
    expect(r.outcome).toBe('failed')
    expect(r.failure?.message).toBe('no such option: --bogus')
  })
})

describe('the test double', () => {
  it('success through a pipe and through a terminal give the same steps', () => {
    const pipe = report('double-success-pipe.txt')
    const tty = report('double-success-tty.txt')
    expect(pipe.outcome).toBe('success')
    expect(tty.outcome).toBe('success')
    expect(tty.steps.map((s) => [s.title, s.status])).toEqual(pipe.steps.map((s) => [s.title, s.status]))
    expect(manifests(tty)).toEqual([
      '192.168.122.100_controller.pp=done',
      '192.168.122.100_network.pp=done',
      '192.168.122.100_compute.pp=done',
      '192.168.122.100_controller_post.pp=done',
    ])
    expect(tty.horizonUrl).toBe('http://192.168.122.100/dashboard')
    expect(tty.logFile).toMatch(/^\/tmp\/dbl\/var\/tmp\/packstack\/\d{8}-\d{6}-\w{8}\/openstack-setup\.log$/)
    // Colour codes are gone from every string of the report.
    expect(JSON.stringify(tty)).not.toMatch(/\\u001b|\\r/)
  })

  it('a failed compute manifest under a terminal (spinner, colours, CRLF)', () => {
    const r = report('double-fail-compute-tty.txt')
    expect(r.outcome).toBe('failed')
    expect(r.failure).toMatchObject({
      step: 'Applying Puppet manifests',
      manifest: '192.168.122.110_compute.pp',
      host: '192.168.122.110',
    })
    expect(r.errorLines[1]).toBe(
      "Error: /Stage[main]/Nova::Compute::Libvirt::Services/Service[libvirt]/ensure: change from 'stopped' to 'running' failed: Systemd start for libvirtd failed!",
    )
    expect(r.manifestLogs[0]).toMatch(/\/manifests\/192\.168\.122\.110_compute\.pp\.log$/)
    const hint = r.hints.find((h) => h.id === 'service-start-failed')!
    expect(hint.message).toBe('The service libvirtd did not start on the node.')
    expect(r.waitingFor).toEqual([])
  })

  it('a failed step (the NetworkManager check)', () => {
    const r = report('double-fail-step-pipe.txt')
    expect(r.failure).toMatchObject({ step: 'Preparing servers', host: '192.168.122.100' })
    expect(r.hints[0]!.id).toBe('network-manager')
  })
})

describe('streaming', () => {
  it('splitting the input at every byte boundary gives the same report (terminal capture)', () => {
    const data = bytes('double-fail-compute-tty.txt')
    const whole = JSON.stringify(explain(data))
    const differs: number[] = []
    for (let i = 1; i < data.length; i++) {
      const p = new PackstackParser()
      p.feed(data.subarray(0, i))
      p.feed(data.subarray(i))
      if (JSON.stringify(p.end()) !== whole) differs.push(i)
    }
    expect(data.length).toBeGreaterThan(5_000)
    expect(differs).toEqual([])
  }, 120_000)

  it('multi-byte UTF-8 split anywhere, and one byte at a time', () => {
    const data = bytes('success-ssh-password-prompt.txt')
    const whole = explain(data)
    expect(whole.prompts[0]).toBe("root@10.0.0.201's password:")
    for (let i = 1; i < data.length; i++) {
      const p = new PackstackParser()
      p.feed(data.subarray(0, i))
      p.feed(data.subarray(i))
      expect(p.end()).toEqual(whole)
    }
    const p = new PackstackParser()
    for (const b of data) p.feed(Uint8Array.of(b))
    expect(p.end()).toEqual(whole)
  })

  it('a live report follows the run: running manifest, then done, then success', () => {
    const text = bytes('double-success-tty.txt').toString('utf8')
    const p = new PackstackParser()
    const cut = text.indexOf('Testing if puppet apply is finished: 192.168.122.100_network.pp')
    p.feed(text.slice(0, cut + 70))
    let live = p.report()
    expect(live.outcome).toBe('incomplete')
    expect(live.waitingFor).toEqual(['192.168.122.100_network.pp'])
    expect(manifests(live)).toEqual([
      '192.168.122.100_controller.pp=done',
      '192.168.122.100_network.pp=running',
    ])
    p.feed(text.slice(cut + 70))
    live = p.end()
    expect(live.outcome).toBe('success')
    expect(live.waitingFor).toEqual([])
  })

  it('an escape sequence split across chunks is removed, not printed', () => {
    const p = new PackstackParser()
    for (const piece of [
      'Clean Up        [ \x1b[3',
      '2mDONE\x1b',
      '[0m ]\r',
      '\nSetting up ssh keys   [ \x1b[0;31mERROR\x1b[0m ]\n',
    ])
      p.feed(piece)
    const r = p.end()
    expect(r.steps.map((s) => `${s.title}:${s.status}`)).toEqual([
      'Clean Up:done',
      'Setting up ssh keys:error',
    ])
    expect(r.outcome).toBe('failed')
  })

  it('stripAnsi removes colours, cursor moves and titles', () => {
    expect(stripAnsi('\x1b[0;31mERROR\x1b[0m \x1b[2K\x1b]0;title\x07ok')).toBe('ERROR ok')
  })
})

describe('hints table', () => {
  it('every rule has an id, a message and a fix; ids are unique', () => {
    const ids = HINT_RULES.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of HINT_RULES) {
      expect(r.message.length).toBeGreaterThan(10)
      expect(r.fix.length).toBeGreaterThan(10)
    }
  })

  it.each([
    ['Error: Cannot find a valid baseurl for repo: base/7/x86_64', 'repo-unreachable'],
    [
      'Could not retrieve mirrorlist http://mirrorlist.centos.org/?release=7&arch=x86_64&repo=os',
      'centos7-eol-mirrors',
    ],
    [
      'Error: Could not prefetch nova_flavor provider \'openstack\': Command: \'openstack ["flavor", "list"]\' has been running for more than 40 seconds',
      'puppet-prefetch',
    ],
    ['Error: Could not authenticate.', 'keystone-auth'],
    [
      'Error: /Stage[main]/Rabbitmq::Service/Service[rabbitmq-server]: Failed to call refresh: Could not start Service[rabbitmq-server]',
      'rabbitmq-hostname',
    ],
    ['fork: Cannot allocate memory', 'out-of-memory'],
    ['[Errno 28] No space left on device', 'disk-full'],
    ['ssh: connect to host 192.168.122.110 port 22: No route to host', 'ssh-unreachable'],
    ['type=AVC msg=audit(1): avc:  denied  { write } for pid=1 comm="mysqld"', 'selinux'],
    ['ERROR : Keyboard interrupt caught.', 'interrupted'],
  ])('%s -> %s', (line, id) => {
    expect(matchHints([line]).map((h) => h.id)).toContain(id)
  })
})
