// The `stacklab` command as a user runs it (the built bin), against the run's libvirtd.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { PreflightReport } from '../../src-shared/preflight'
import { runStacklab, tempDir, xdgEnv } from '../helpers'

const { testUri } = inject('libvirt')
let t: ReturnType<typeof tempDir>
beforeAll(() => (t = tempDir()))
afterAll(() => t.cleanup())

const stacklab = (...args: string[]) => runStacklab(t.dir, ...args)

describe('stacklab preflight', () => {
  it('--json prints a report that matches the contract, and the exit status follows it', async () => {
    const r = await stacklab('preflight', '--json', '--uri', testUri)
    const report = PreflightReport.parse(JSON.parse(r.stdout))
    expect(report.uri).toBe(testUri)
    expect(report.checks.find((c) => c.id === 'libvirt-connection')?.status).toBe('ok')
    expect(r.code).toBe(report.ready ? 0 : 1)
  })

  it('prints every check with its evidence and a summary for people', async () => {
    const r = await stacklab('preflight', '--uri', testUri)
    expect(r.stdout).toMatch(/^Checking test\+unix/)
    expect(r.stdout).toMatch(/\[ok {2}\] libvirt reachable: Connected to/)
    expect(r.stdout).toMatch(/\d+ ok, \d+ warnings, \d+ failed/)
    expect(r.stdout.match(/^\[(ok |warn|FAIL)/gm)?.length).toBe(10)
  })

  it('exits 1 and names the fix when libvirt is unreachable', async () => {
    const r = await stacklab('preflight', '--uri', `qemu+unix:///system?socket=${t.dir}/nothing`)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/\[FAIL\] libvirt reachable: The libvirt daemon is not running/)
    expect(r.stdout).toMatch(/fix: .*systemctl enable --now/)
    // What needs the daemon is skipped, and the summary counts it apart from the one failure.
    expect(r.stdout).toMatch(/^\[skip\] libvirt 'default' network: Not checked/m)
    expect(r.stdout).toMatch(/\d+ ok, \d+ warnings, 1 failed, 2 skipped \(they need a failed check\)/)
  })

  it('refuses a bad URI with exit 2 and the field, before running anything', async () => {
    const r = await stacklab('preflight', '--uri', 'qemu:///system; reboot')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/uri: connection URI must look like/)
    expect(r.stdout).toBe('')
  })

  it('refuses unknown commands and options with usage and exit 2', async () => {
    expect((await stacklab('frobnicate')).code).toBe(2)
    const bad = await stacklab('preflight', '--jsonn')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/Usage: stacklab/)
    expect((await stacklab('--version')).stdout).toMatch(/^stacklab \d+\.\d+\.\d+/)
  })

  it('keeps its settings and log in the XDG directories', async () => {
    await stacklab('preflight', '--uri', testUri)
    const { readFileSync } = await import('node:fs')
    const log = readFileSync(`${xdgEnv(t.dir).XDG_STATE_HOME}/stacklab/stacklab.log`, 'utf8')
    expect(log).toMatch(/"msg":"exec","argv":\["virsh","--quiet","--connect"/)
  })
})
