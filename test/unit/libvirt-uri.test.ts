// What the engine reads from a connection URI (libvirt/uri.ts), on the parts uri-policy.ts parses: which
// driver, this machine or another, session or system, and the ssh command a fix tells the user to run.
import { describe, expect, it } from 'vitest'
import { defaultImagesDir, sshCommand, sshHost, uriInfo } from '../../src-main/engine/libvirt/uri'

describe('uriInfo', () => {
  it.each([
    ['qemu:///system', { driver: 'qemu', host: null, remote: false, session: false }],
    ['qemu:///session', { driver: 'qemu', host: null, remote: false, session: true }],
    ['test+unix:///default?socket=/tmp/s', { driver: 'test', transport: 'unix', remote: false }],
    ['qemu+ssh://localhost/system', { host: 'localhost', remote: false }],
    ['qemu+ssh://root@lab1:2222/system', { user: 'root', host: 'lab1', port: 2222, remote: true }],
    ['qemu+tls://[fd00::5]:16514/system', { host: '[fd00::5]', port: 16514, remote: true }],
  ])('%s', (uri, expected) => {
    expect(uriInfo(uri)).toMatchObject(expected)
  })

  it('counts a URI Stacklab refuses as remote, so nothing on this machine is touched for it', () => {
    for (const uri of ['qemu+ext:///system?command=/bin/sh', 'xen:///system', 'not a uri', '']) {
      expect(uriInfo(uri)).toMatchObject({ driver: null, remote: true })
      expect(defaultImagesDir(uri)).toBeNull()
    }
  })
})

describe('defaultImagesDir', () => {
  it("is libvirt's own folder for the system and session instances, and none for a remote host", () => {
    expect(defaultImagesDir('qemu:///system', '/home/a')).toBe('/var/lib/libvirt/images')
    expect(defaultImagesDir('qemu:///session', '/home/a')).toBe('/home/a/.local/share/libvirt/images')
    expect(defaultImagesDir('qemu+ssh://root@lab1/system', '/home/a')).toBeNull()
  })
})

describe('sshCommand', () => {
  it('gives the port, user and host, an IPv6 address without its brackets', () => {
    expect(sshCommand('qemu+ssh://root@lab1:2222/system')).toBe('ssh -p 2222 root@lab1')
    expect(sshCommand('qemu+libssh://lab1.example.com/system')).toBe('ssh lab1.example.com')
    expect(sshCommand('qemu+ssh://admin@[fd00::5]:2200/system')).toBe('ssh -p 2200 admin@fd00::5')
    expect(sshHost('qemu+tls://[fd00::5]:16514/system')).toBe('fd00::5')
  })
})
