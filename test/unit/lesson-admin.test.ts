// The admin credentials a lesson's check runs with: the install's file is sourced on the node before the
// command, so the password reaches the openstack client through the environment and never a command line.
// Run here with a real shell on a file written as packstack writes keystonerc_admin.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { commandLine } from '../../src-main/engine/lessons/remote'
import { evaluateCheck } from '../../src-main/engine/lessons/evaluate'

const dir = mkdtempSync(join(tmpdir(), 'stacklab-admin-rc-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const PASSWORD = 'Pw-4a1f9c7e2b'

describe('commandLine', () => {
  it('sources the credentials first: the command sees them, its line does not carry the password', () => {
    const rc = join(dir, 'keystonerc_admin')
    writeFileSync(
      rc,
      [
        'unset OS_SERVICE_TOKEN',
        '    export OS_USERNAME=admin',
        `    export OS_PASSWORD='${PASSWORD}'`,
        "    export PS1='[\\u@\\h \\W(keystone_admin)]\\$ '",
        '',
      ].join('\n'),
    )
    const line = commandLine(`printf '{"user": "%s", "set": %s}' "$OS_USERNAME" "\${#OS_PASSWORD}"`, rc)
    expect(line).not.toContain(PASSWORD)
    const stdout = execFileSync('sh', ['-c', line], { encoding: 'utf8', env: { PATH: process.env['PATH'] } })
    const r = evaluateCheck({ code: 0, stdout, stderr: '' }, [
      { path: 'user', equals: 'admin', missing: { en: 'not admin', ko: '관리자 아님' } },
      { path: 'set', equals: PASSWORD.length, missing: { en: 'no password', ko: '암호 없음' } },
    ])
    expect(r.verdict).toBe('passed')
    expect(commandLine('openstack network list -f json', null)).toBe('openstack network list -f json')
  })
})
