// `stacklab packstack explain LOGFILE` on recorded real packstack output: the human summary, --json (the
// PackstackReport), exit status 0 success / 1 failed or incomplete / 2 bad usage or unreadable file, and a
// capture bigger than one call may carry.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PackstackReport } from '../../src-shared/packstack'
import { explain } from '../../src-main/engine/packstack/parse'
import { runStacklab, tempDir } from '../helpers'

let t: ReturnType<typeof tempDir>
beforeAll(() => (t = tempDir()))
afterAll(() => t.cleanup())

const fixture = (name: string) => join(__dirname, '../fixtures/packstack', name)
const stacklab = (...args: string[]) => runStacklab(t.dir, ...args)

describe('stacklab packstack explain', () => {
  it('a successful run: exit 0 and the dashboard', async () => {
    const r = await stacklab('packstack', 'explain', fixture('success-victoria-multinode.txt'))
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Outcome: success')
    expect(r.stdout).toContain('Dashboard: http://192.168.44.100/dashboard')
    expect(r.stdout).toContain('Log file: /var/tmp/packstack/20250402-000209-jp4k63yu/openstack-setup.log')
  })

  it('a failed run: exit 1, failing step, manifest, host, error lines, logs and the fix', async () => {
    const r = await stacklab('packstack', 'explain', fixture('fail-yum-install-dashboard.txt'))
    expect(r.code).toBe(1)
    const out = r.stdout
    expect(out).toContain('Outcome: FAILED')
    expect(out).toContain('Failed step: Applying Puppet manifests')
    expect(out).toContain('Failed manifest: 10.17.10.172_controller.pp')
    expect(out).toContain('Host: 10.17.10.172')
    expect(out).toContain(
      "  Error: Execution of '/usr/bin/yum -d 0 -e 0 -y install openstack-dashboard' returned 1",
    )
    expect(out).toContain('Log file: /var/tmp/packstack/20220315-123814-vjFq0h/openstack-setup.log')
    expect(out).toContain(
      'Manifest log: /var/tmp/packstack/20220315-123814-vjFq0h/manifests/10.17.10.172_controller.pp.log',
    )
    expect(out).toContain('Installing openstack-dashboard failed on the node.')
    expect(out).toMatch(
      /fix: Run the same command by hand on the node \(yum -y install openstack-dashboard\)/,
    )
  })

  it('an output that stops while Puppet runs: exit 1, incomplete', async () => {
    const r = await stacklab('packstack', 'explain', fixture('incomplete-allinone-waiting.txt'))
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('Outcome: incomplete')
    expect(r.stdout).toContain('Still applying: 192.168.20.5_controller.pp')
  })

  it('--json prints the PackstackReport, the same as the parser gives', async () => {
    const file = fixture('double-fail-compute-tty.txt')
    const r = await stacklab('packstack', 'explain', file, '--json')
    expect(r.code).toBe(1)
    const report = PackstackReport.parse(JSON.parse(r.stdout))
    expect(report).toEqual(explain(readFileSync(file)))
    expect(report.failure?.manifest).toBe('192.168.122.110_compute.pp')
  })

  it('a capture bigger than one call carries is read in full, streamed', async () => {
    const noise = Array.from({ length: 6000 }, (_, i) => `Notice: /Stage[main]/Filler/Exec[line ${i}]: ok`)
    const big = join(t.dir, 'big.txt')
    writeFileSync(
      big,
      `${noise.join('\n')}\n${readFileSync(fixture('fail-remote-script-facter.txt'), 'utf8')}`,
    )
    expect(readFileSync(big).length).toBeGreaterThan(256 * 1024)
    const r = await stacklab('packstack', 'explain', big, '--json')
    expect(r.code).toBe(1)
    const report = PackstackReport.parse(JSON.parse(r.stdout))
    expect(report.failure).toMatchObject({
      step: "Pre installing Puppet and discovering hosts' details",
      host: '192.168.80.131',
    })
    expect(report.hints.map((h) => h.id)).toContain('facter-leatherman')
  })

  it('bad usage and unreadable files exit 2 with a clear message', async () => {
    const missing = await stacklab('packstack', 'explain', join(t.dir, 'nope.txt'))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/cannot read .*nope\.txt: no such file/)
    const directory = await stacklab('packstack', 'explain', t.dir)
    expect(directory.code).toBe(2)
    expect(directory.stderr).toMatch(/not a file/)
    const none = await stacklab('packstack', 'explain')
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/packstack explain needs LOGFILE/)
    const unknown = await stacklab('packstack', 'frobnicate')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown packstack command "frobnicate"/)
    const flag = await stacklab('packstack', 'explain', fixture('fail-ntp-controller.txt'), '--bogus')
    expect(flag.code).toBe(2)
  })
})
