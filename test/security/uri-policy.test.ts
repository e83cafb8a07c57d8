// Issue #11, item 1, the rule itself: a libvirt connection URI is parsed into its parts and each part checked
// against what Stacklab supports. Every way libvirt offers to start a program or read a file of the URI's
// choosing is refused, in any spelling, with a message that names the part; the URIs Stacklab and its tests
// really use are accepted.
import { describe, expect, it } from 'vitest'
import { checkConnectionUri, type ConnectionParts } from '../../src-shared/uri-policy'
import { ConnectionUri, Settings, SettingsUpdate } from '../../src-shared/settings'
import { settingsRisks, uriRisks } from '../../src-shared/trust'
import { DEFAULT_SETTINGS } from '../../src-shared/settings'
import { untrustedPath, type PathTrust } from '../../src-main/engine/trust'

/** [uri, the part the refusal must name, what the message must say] */
const ATTACKS: [string, string, RegExp][] = [
  [
    'qemu+ext:///system?command=/tmp/x',
    'transport',
    /transport "ext" is not allowed: it makes libvirt start a program/,
  ],
  ['qemu+ext:///system', 'transport', /"ext"/],
  ['test+ext:///default?command=/tmp/x', 'transport', /"ext"/],
  [
    'qemu+EXT:///system?command=/tmp/x',
    'transport',
    /"EXT" is not allowed: it makes libvirt start a program/,
  ],
  [
    'qemu+ssh://h/system?command=/tmp/x',
    'query parameter "command"',
    /"command" is not allowed: it makes libvirt start a program/,
  ],
  [
    'qemu+ssh://h/system?netcat=/tmp/x',
    'query parameter "netcat"',
    /"netcat" is not allowed: it names the program/,
  ],
  ['qemu+libssh://h/system?netcat=/tmp/x', 'query parameter "netcat"', /not allowed/],
  ['qemu+ssh://h/system?proxy=netcat', 'query parameter "proxy"', /"proxy" is not allowed/],
  ['qemu+ssh://h/system?proxy=native', 'query parameter "proxy"', /"proxy" is not allowed/],
  ['qemu+ssh://h/system?COMMAND=/tmp/x', 'query parameter "command"', /written "COMMAND"\) is not allowed/],
  ['qemu+ssh://h/system?Command=/tmp/x', 'query parameter "command"', /is not allowed/],
  [
    'qemu+ssh://h/system?%63ommand=/tmp/x',
    'query parameter "command"',
    /written "%63ommand"\) is not allowed/,
  ],
  ['qemu+ssh://h/system?%43OMMAND=/tmp/x', 'query parameter "command"', /is not allowed/],
  ['qemu+ssh://h/system?%6e%65%74%63%61%74=/tmp/x', 'query parameter "netcat"', /is not allowed/],
  ['qemu+ssh://h/system?%2563ommand=/tmp/x', 'query parameter "%63ommand"', /is not supported/],
  ['qemu+ssh://h/system?%63ommand', 'query parameter "command"', /is not allowed/],
  ['qemu+libssh://h/system?keyfile=/k&command=/tmp/x', 'query parameter "command"', /not allowed/],
  ['qemu+ssh://h/system?name=qemu+ext:///system', 'query parameter "name"', /"name" is not allowed/],
  ['qemu+unix:///system?authfile=/etc/shadow', 'query parameter "authfile"', /read a credentials file/],
  ['qemu+tls://h/system?no_sanity=1', 'query parameter "no_sanity"', /not allowed/],
  ['qemu+ssh://h/system?socket=/s&socket=/t', 'query parameter "socket"', /given twice/],
  ['qemu:///system?foo=bar', 'query parameter "foo"', /"foo" is not supported/],
  ['qemu:///system?=x', 'query', /no name/],
  ['qemu:///system?a%zz=1', 'query parameter "a%zz"', /malformed/],
  ['qemu:///system?keyfile=/k', 'query parameter "keyfile"', /not used by the local connection/],
  ['qemu+ssh://h/system?known_hosts=/k', 'query parameter "known_hosts"', /not used by the ssh transport/],
  ['qemu+tls://h/system?socket=/k', 'query parameter "socket"', /not used by the tls transport/],
  ['qemu+ssh://h/system?sshauth=agent', 'query parameter "sshauth"', /not used by the ssh transport/],
  ['qemu+ssh://h/system?keyfile=relative/key', 'query parameter "keyfile"', /absolute path/],
  ['qemu+ssh://h/system?socket=/run/../etc/x', 'query parameter "socket"', /"\.\." segments/],
  ['qemu+ssh://h/system?socket=%2Ftmp%2Fx', 'query parameter "socket"', /percent-encoding/],
  ['qemu+ssh://h/system?mode=evil', 'query parameter "mode"', /auto, direct, legacy/],
  ['qemu+ssh://h/system?no_verify=yes', 'query parameter "no_verify"', /0, 1/],
  ['qemu+tcp://h/system', 'transport', /"tcp" is not allowed: it is neither encrypted/],
  ['qemu+libssh2://h/system', 'transport', /"libssh2"/],
  ['qemu+foo://h/system', 'transport', /"foo"/],
  ['lxc:///', 'driver', /driver "lxc" is not supported/],
  ['vbox:///session', 'driver', /driver "vbox" is not supported/],
  ['xen:///system', 'driver', /"xen"/],
  ['esx://h/?no_verify=1', 'driver', /"esx"/],
  ['QEMU:///system', 'driver', /"QEMU"/],
  ['qemu:///embed?root=/tmp/x', 'path', /path "\/embed" is not supported/],
  ['test:///etc/shadow', 'path', /path "\/etc\/shadow" is not supported for the test driver/],
  ['qemu:///%73ystem', 'path', /percent-encoding/],
  ['qemu://', 'path', /path "\(none\)"/],
  ['qemu:///system?socket=/tmp/a b', 'character', /a space is not allowed/],
  ['qemu:///system\n', 'character', /control character \(U\+000a\)/],
  ['qemu:///system\0', 'character', /a NUL byte/],
  ['qemu:///system\t?socket=/x', 'character', /control character/],
  ['qemu:///system#frag', 'character', /"#"/],
  ["qemu:///system?socket=/tmp/x';touch /tmp/y'", 'character', /"'"/],
  ['qemu:///system;reboot', 'character', /";"/],
  ['qemu:///system$(reboot)', 'character', /"\$"/],
  ['qemu+ssh://héllo/system', 'character', /non-ASCII/],
  ['qemu+ssh://-oProxyCommand=x/system', 'host', /host "-oProxyCommand=x"/],
  ['qemu+ssh://-oProxyCommand=x@h/system', 'user', /user "-oProxyCommand=x"/],
  ['qemu+ssh://user:secret@h/system', 'user', /user "user:secret"/],
  ['qemu+ssh://h%2Dx/system', 'host', /percent-encoding/],
  ['qemu+ssh://h:0/system', 'port', /1 to 65535/],
  ['qemu+ssh://h:99999/system', 'port', /1 to 65535/],
  ['qemu+ssh://h:/system', 'port', /1 to 65535/],
  ['qemu+ssh:///system', 'host', /ssh transport needs a host/],
  ['qemu+unix://h/system', 'host', /unix transport does not take a host/],
  ['qemu://u@/system', 'user', /a user needs a remote host/],
  ['ftp://example.com/', 'driver', /"ftp"/],
  ['/usr/bin/evil', 'shape', /must look like/],
]

const ACCEPTED = [
  'qemu:///system',
  'qemu:///session',
  'test:///default',
  'qemu:///system?mode=direct',
  // What the test harness and the existing tests use.
  'test+unix:///default?socket=/tmp/stacklab-it-1234-it/sock/libvirt-sock',
  'qemu+unix:///system?socket=/tmp/stacklab-it-1234-it/sock/libvirt-sock',
  'test+libssh://root@127.0.0.1:40123/default?socket=/tmp/s/libvirt-sock&keyfile=/tmp/stacklab-x/id_ed25519&known_hosts=/tmp/stacklab-x/known_hosts',
  'qemu+ssh://root@lab.example.com/system',
  'qemu+ssh://stack@lab1:2222/system?keyfile=/home/u/.ssh/id_ed25519&no_tty=1',
  'qemu+libssh://u@[fe80::1]/system?known_hosts_verify=normal&sshauth=privkey,agent',
  'qemu+tls://lab1.example.com:16514/system?pkipath=/home/u/.pki/libvirt&tls_priority=NORMAL:-VERS-SSL3.0',
  'qemu://lab1/system',
]

describe('connection URI allow-list', () => {
  it.each(ATTACKS)('refuses %j, naming the part', (uri, part, message) => {
    const check = checkConnectionUri(uri)
    expect(check.ok).toBe(false)
    if (check.ok) return
    expect(check.problem.part).toBe(part)
    expect(check.problem.message).toMatch(message)
    expect(check.problem.message).toMatch(/connection URI/)
    // The contract's schema says the same, so every call that takes a URI refuses it.
    const parsed = ConnectionUri.safeParse(uri)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toBe(check.problem.message)
  })

  it.each(ACCEPTED)('accepts %j', (uri) => {
    expect(checkConnectionUri(uri)).toMatchObject({ ok: true })
    expect(ConnectionUri.safeParse(uri).success).toBe(true)
  })

  it('parses a remote URI into its parts', () => {
    const check = checkConnectionUri(ACCEPTED[6]!)
    expect(check).toEqual({
      ok: true,
      parts: {
        driver: 'test',
        transport: 'libssh',
        mode: 'libssh',
        user: 'root',
        host: '127.0.0.1',
        port: 40123,
        path: '/default',
        params: {
          socket: '/tmp/s/libvirt-sock',
          keyfile: '/tmp/stacklab-x/id_ed25519',
          known_hosts: '/tmp/stacklab-x/known_hosts',
        },
      },
    })
    expect(checkConnectionUri('qemu://lab1/system')).toMatchObject({ ok: true, parts: { mode: 'tls' } })
    expect(checkConnectionUri('qemu:///system')).toMatchObject({
      ok: true,
      parts: { mode: 'local', host: null },
    })
  })
})

describe('risks a change carries', () => {
  const parts = (uri: string): ConnectionParts => {
    const c = checkConnectionUri(uri)
    if (!c.ok) throw new Error(c.problem.message)
    return c.parts
  }
  it('names remote connections and turned-off host checks', () => {
    expect(uriRisks(parts('qemu:///system'))).toEqual([])
    expect(uriRisks(parts('qemu+unix:///system?socket=/run/libvirt/libvirt-sock'))).toEqual([])
    expect(uriRisks(parts('qemu+ssh://u@127.0.0.1/system'))).toEqual(['remote-connection'])
    expect(uriRisks(parts('qemu://h/system?no_verify=1'))).toEqual(['remote-connection', 'no-host-check'])
    expect(uriRisks(parts('qemu+libssh://h/system?known_hosts_verify=ignore'))).toEqual([
      'remote-connection',
      'no-host-check',
    ])
  })
  it('counts only what gets less safe, not what stays or gets safer', () => {
    const current = { ...DEFAULT_SETTINGS, templateUnsigned: true, templateSource: '/srv/mirror' }
    expect(settingsRisks(DEFAULT_SETTINGS, { templateUnsigned: true })).toEqual(['unsigned-templates'])
    expect(settingsRisks(current, { templateUnsigned: true, templateSource: '/srv/mirror' })).toEqual([])
    expect(settingsRisks(current, { templateUnsigned: false, templateSource: '' })).toEqual([])
    expect(settingsRisks(current, { templateSource: '/srv/other' })).toEqual(['template-source'])
    expect(settingsRisks(DEFAULT_SETTINGS, { connectionUri: 'qemu+ssh://u@h/system?no_verify=1' })).toEqual([
      'remote-connection',
      'no-host-check',
    ])
    expect(
      settingsRisks(
        { ...DEFAULT_SETTINGS, connectionUri: 'qemu+ssh://u@h/system' },
        { connectionUri: 'qemu+ssh://u@h/system' },
      ),
    ).toEqual([])
  })
})

describe('paths a caller may name in a URI', () => {
  const trust = (over: Partial<PathTrust>): PathTrust => ({
    origin: 'browser',
    managedDirs: ['/home/u/.config/stacklab', '/home/u/.local/share/stacklab'],
    picked: new Set(),
    savedUri: 'qemu:///system',
    uid: 1000,
    ...over,
  })
  const parts = (uri: string): ConnectionParts => {
    const c = checkConnectionUri(uri)
    if (!c.ok) throw new Error(c.problem.message)
    return c.parts
  }
  const shadow = parts('qemu+libssh://root@h/system?keyfile=/etc/shadow')
  it('refuses a file outside Stacklab’s folders from the browser host and an unpicked one from the desktop', () => {
    expect(untrustedPath(shadow, trust({}))?.message).toMatch(
      /query parameter "keyfile" names \/etc\/shadow, a path sent from the browser host/,
    )
    expect(untrustedPath(shadow, trust({ origin: 'desktop' }))?.part).toBe('query parameter "keyfile"')
    expect(untrustedPath(parts('qemu+libssh://h/system?known_hosts=/home/u/.bashrc'), trust({}))?.part).toBe(
      'query parameter "known_hosts"',
    )
    expect(untrustedPath(parts('qemu+tls://h/system?pkipath=/root'), trust({}))?.part).toBe(
      'query parameter "pkipath"',
    )
    expect(untrustedPath(parts('qemu+unix:///system?socket=/tmp/evil'), trust({}))?.part).toBe(
      'query parameter "socket"',
    )
    // A managed folder's name as a prefix of another folder is not inside it.
    expect(
      untrustedPath(parts('qemu+libssh://h/system?keyfile=/home/u/.config/stacklab-evil/k'), trust({})),
    ).not.toBeNull()
  })
  it('accepts Stacklab’s own files, files picked in the desktop dialog, and what the saved URI names', () => {
    expect(untrustedPath(shadow, trust({ origin: 'cli' }))).toBeNull()
    expect(untrustedPath(shadow, trust({ origin: 'desktop', picked: new Set(['/etc/shadow']) }))).toBeNull()
    expect(
      untrustedPath(shadow, trust({ origin: 'browser', picked: new Set(['/etc/shadow']) })),
    ).not.toBeNull()
    expect(
      untrustedPath(parts('qemu+libssh://h/system?keyfile=/home/u/.config/stacklab/keys/id'), trust({})),
    ).toBeNull()
    expect(
      untrustedPath(parts('qemu+unix:///system?socket=/run/libvirt/virtqemud-sock'), trust({})),
    ).toBeNull()
    expect(
      untrustedPath(
        parts('qemu+libssh://other/system?keyfile=/home/u/.ssh/id'),
        trust({ savedUri: 'qemu+libssh://h/system?keyfile=/home/u/.ssh/id' }),
      ),
    ).toBeNull()
  })
})

describe('paths in settings', () => {
  const BAD: [string, RegExp][] = [
    ['relative/dir', /absolute path/],
    ['/srv/a\nb', /newlines/],
    ['/srv/a\rb', /newlines/],
    ['/srv/a\u2028b', /newlines/],
    ['/srv/a\u202eb', /control characters/],
    ['/srv/"a"', /quotes/],
    ["/srv/it's", /quotes/],
    ['/srv/`id`', /quotes/],
    ['/srv/a\\b', /backslashes/],
    ['/srv/../etc', /normalised/],
    ['/srv/./x', /normalised/],
    ['/srv//x', /normalised/],
    ['/srv/x/', /normalised/],
  ]
  it.each(BAD)('refuses %j in every path setting', (path, message) => {
    for (const key of ['imagesDir', 'templateSource'] as const) {
      const r = SettingsUpdate.safeParse({ [key]: path })
      expect(r.success).toBe(false)
      expect(r.error?.issues[0]?.path).toEqual([key])
      expect(r.error?.issues[0]?.message).toMatch(message)
    }
  })
  it('refuses a ":" in the template source (virt-builder reads a list there) and accepts plain paths', () => {
    expect(SettingsUpdate.safeParse({ templateSource: '/srv/a:/etc' }).error?.issues[0]?.message).toMatch(
      /must not contain ":"/,
    )
    expect(
      Settings.parse({ ...DEFAULT_SETTINGS, imagesDir: '/srv/랩 images', templateSource: '/srv/mirror' }),
    ).toBeTruthy()
    expect(SettingsUpdate.safeParse({ imagesDir: '/' }).success).toBe(true)
  })
})
