// A lab's cloud image: the schema (each bad input named by its field), the checksum-file parser on the
// formats CentOS and AlmaLinux publish, what `qemu-img info` must say before an image becomes a base, and
// the customisation that turns cloud-init off only on cloud bases.
import { describe, expect, it } from 'vitest'
import { checksumFor, parseChecksumFile } from '../../src-main/engine/provision/checksum'
import { imageInfoProblem, progressText } from '../../src-main/engine/provision/cloud-image'
import { CLOUD_INIT_OFF, customizeCommands } from '../../src-main/engine/provision/guest-config'
import { translateCommand } from '../../src-main/engine/provision/guestfish'
import { CloudImage, fileNameOf, imageSourceProblem } from '../../src-shared/cloud-image'
import { LabDefinition, LabState, defaultLab, presetById } from '../../src-shared/lab'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { presetHeader } from '../../src-main/cli/presets'

const HEX = 'ab'.repeat(32)

function issues(input: unknown): string[] {
  const r = LabDefinition.safeParse(input)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('the image field of a lab', () => {
  const lab = (image: unknown) => ({ ...defaultLab('c1'), image })

  it('takes an https URL with a sha256 (upper case accepted, kept lower case), or a checksumUrl', () => {
    const a = LabDefinition.parse(lab({ url: 'https://example.org/x/a.qcow2', sha256: HEX.toUpperCase() }))
    expect(a.image).toEqual({ url: 'https://example.org/x/a.qcow2', sha256: HEX })
    const b = LabDefinition.parse(
      lab({ url: '/var/lib/images/a.qcow2', checksumUrl: 'http://mirror.example/CHECKSUM' }),
    )
    expect(b.image?.checksumUrl).toBe('http://mirror.example/CHECKSUM')
  })

  it.each([
    [{ url: 'https://e.org/a.qcow2', sha256: HEX.slice(1) }, 'image.sha256: must be a SHA-256'],
    [{ url: 'https://e.org/a.qcow2', sha256: 'g'.repeat(64) }, 'image.sha256: must be a SHA-256'],
    [{ url: 'https://e.org/a.qcow2' }, 'image.sha256: give the image’s sha256'],
    [
      { url: 'https://e.org/a.qcow2', sha256: HEX, checksumUrl: 'https://e.org/S' },
      'image.checksumUrl: give sha256 or checksumUrl, not both',
    ],
    [{ url: 'ftp://e.org/a.qcow2', sha256: HEX }, 'image.url: ftp: is not supported'],
    [{ url: 'file:///etc/shadow', sha256: HEX }, 'image.url: file: is not supported'],
    [{ url: 'FILE:/etc/shadow', sha256: HEX }, 'image.url: file: is not supported'],
    [{ url: 'a.qcow2', sha256: HEX }, 'image.url: must be an http:// or https:// URL, or an absolute path'],
    [
      { url: '../a.qcow2', sha256: HEX },
      'image.url: must be an http:// or https:// URL, or an absolute path',
    ],
    [{ url: '/srv/./a.qcow2', sha256: HEX }, 'image.url: must be a plain absolute path'],
    [{ url: 'https://e.org/', sha256: HEX }, 'image.url: must name a file'],
    [
      { url: 'https://user:pw@e.org/a.qcow2', sha256: HEX },
      'image.url: must not carry a user name or password',
    ],
    [{ url: 'https://e.org/a b.qcow2', sha256: HEX }, 'image.url: must not contain spaces'],
    [{ url: '', sha256: HEX }, 'image.url: must not be empty'],
    [
      { url: 'https://e.org/a.qcow2', checksumUrl: 'gopher://e.org/S' },
      'image.checksumUrl: gopher: is not supported',
    ],
    [
      { url: 'https://e.org/a.qcow2', sha256: HEX, size: 3 },
      'image.size: unknown key; the keys here are url, sha256, checksumUrl',
    ],
  ])('refuses %j, naming the field', (image, message) => {
    expect(issues(lab(image)).join('\n')).toContain(message)
  })

  it('needs an image for a preset virt-builder cannot build (AlmaLinux 9), and offers its published one', () => {
    const bare = { ...defaultLab('a9', 'almalinux-9') }
    delete bare.image
    expect(issues(bare).join('\n')).toMatch(
      /^image: AlmaLinux 9 .* has no virt-builder template: give a cloud image .*repo\.almalinux\.org/m,
    )
    // `stacklab lab default --preset almalinux-9` and the wizard start with AlmaLinux's own image and checksum file.
    expect(LabDefinition.parse(defaultLab('a9', 'almalinux-9')).image).toEqual({
      url: 'https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2',
      checksumUrl: 'https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM',
    })
    expect(defaultLab('c9', 'centos-stream-9').image).toBeUndefined() // the template stays the default there
  })

  it('survives a save and load of the lab state (the stored definition keeps it)', () => {
    const definition = LabDefinition.parse(
      lab({ url: 'https://e.org/a.qcow2', checksumUrl: 'https://e.org/S' }),
    )
    const state = LabState.parse({
      version: 1,
      definition,
      status: 'ready',
      createdAt: '2026-11-30T00:00:00Z',
      stepsDone: [],
      resources: { networks: [], domains: [], disks: [], intents: [] },
      nodes: {},
      virtType: 'qemu',
      loginKeyFingerprint: null,
      lastError: null,
      baseImage: { sha256: HEX },
    })
    expect(state.definition.image).toEqual({ url: 'https://e.org/a.qcow2', checksumUrl: 'https://e.org/S' })
    expect(state.baseImage).toEqual({ sha256: HEX })
  })

  it('the commented image block `stacklab lab default` prints is a valid image once uncommented', () => {
    const lines = presetHeader(presetById('centos-stream-9')!, 'epoxy').split('\n')
    const at = lines.indexOf('# image:')
    const block = lines.slice(at, at + 3).map((l) => l.replace(/^# /, ''))
    const lab = LabDefinition.parse(parseYaml(`${block.join('\n')}\n${stringifyYaml(defaultLab('lab1'))}`))
    const published = presetById('centos-stream-9')!.cloudImage!
    expect(lab.image).toEqual({ url: published.url, checksumUrl: published.checksumUrl })
  })

  it('names the file a checksum file lists it by', () => {
    expect(fileNameOf('https://e.org/a/b/CentOS-9-latest.qcow2?x=1')).toBe('CentOS-9-latest.qcow2')
    expect(fileNameOf('https://e.org/a/my%20image.qcow2')).toBe('my image.qcow2')
    expect(fileNameOf('/srv/images/alma.qcow2')).toBe('alma.qcow2')
    expect(imageSourceProblem('HTTPS://E.ORG/a.qcow2')).toBeNull()
    expect(CloudImage.safeParse({ url: 'javascript:alert(1)', sha256: HEX }).success).toBe(false)
  })
})

describe('checksum files', () => {
  // As CentOS publishes `CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2.SHA256SUM` (BSD tag format, the
  // dated image the "latest" link points to, its size in a comment).
  const centos = `# CentOS-Stream-GenericCloud-9-20261124.0.x86_64.qcow2: 1309867520 bytes
SHA256 (CentOS-Stream-GenericCloud-9-20261124.0.x86_64.qcow2) = ${HEX}
`
  // As AlmaLinux publishes CHECKSUM beside its images (several images, BSD format, one a "latest" name).
  const alma = `# AlmaLinux-9-GenericCloud-9.7-20261112.x86_64.qcow2: 600000000 bytes
SHA256 (AlmaLinux-9-GenericCloud-9.7-20261112.x86_64.qcow2) = ${'11'.repeat(32)}
# AlmaLinux-9-GenericCloud-latest.x86_64.qcow2: 600000000 bytes
SHA256 (AlmaLinux-9-GenericCloud-latest.x86_64.qcow2) = ${'22'.repeat(32)}
SHA256 (AlmaLinux-9-OpenNebula-latest.x86_64.qcow2) = ${'33'.repeat(32)}
`
  // sha256sum's own output, text and binary mode, with CRLF line ends and a ./ prefix.
  const gnu = `${'44'.repeat(32)}  a.qcow2\r\n${'55'.repeat(32)} *b.qcow2\r\n${'66'.repeat(32)}  ./c.qcow2\n`

  it('reads BSD and GNU lines, skipping comments and other hashes', () => {
    expect(parseChecksumFile(alma).map((e) => e.name)).toEqual([
      'AlmaLinux-9-GenericCloud-9.7-20261112.x86_64.qcow2',
      'AlmaLinux-9-GenericCloud-latest.x86_64.qcow2',
      'AlmaLinux-9-OpenNebula-latest.x86_64.qcow2',
    ])
    expect(parseChecksumFile(gnu)).toEqual([
      { name: 'a.qcow2', sha256: '44'.repeat(32) },
      { name: 'b.qcow2', sha256: '55'.repeat(32) },
      { name: 'c.qcow2', sha256: '66'.repeat(32) },
    ])
    // SHA-1, MD5 and SHA-512 lines never verify an image.
    const others = `SHA1 (a.qcow2) = ${'a'.repeat(40)}\nMD5 (a.qcow2) = ${'b'.repeat(32)}\nSHA512 (a.qcow2) = ${'c'.repeat(128)}\n${'d'.repeat(40)}  a.qcow2\n`
    expect(parseChecksumFile(others)).toEqual([])
  })

  it('matches the image by its file name', () => {
    expect(checksumFor(alma, 'AlmaLinux-9-GenericCloud-latest.x86_64.qcow2')).toBe('22'.repeat(32))
    expect(checksumFor(gnu, 'b.qcow2')).toBe('55'.repeat(32))
    // CentOS's per-image file names the dated image: its only entry answers for the "latest" name.
    expect(checksumFor(centos, 'CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2')).toBe(HEX)
  })

  it('refuses a file with no entry for the image, none at all, or two different ones', () => {
    expect(() => checksumFor(alma, 'Rocky-9.qcow2')).toThrow(
      /no SHA-256 for Rocky-9\.qcow2 \(it lists AlmaLinux-9-GenericCloud-9\.7/,
    )
    expect(() => checksumFor('<html>not found</html>', 'a.qcow2')).toThrow(/holds no SHA-256 line/)
    expect(() => checksumFor(`${'1'.repeat(64)}  a.qcow2\n${'2'.repeat(64)}  a.qcow2\n`, 'a.qcow2')).toThrow(
      /2 different SHA-256s/,
    )
  })
})

describe('what qemu-img info must say', () => {
  const ok = { format: 'qcow2', 'virtual-size': 10 * 1024 ** 3 }
  it('takes a standalone qcow2 or raw image', () => {
    expect(imageInfoProblem(ok)).toBeNull()
    expect(imageInfoProblem({ ...ok, format: 'raw' })).toBeNull()
  })
  it('refuses other formats, backing files, external data files and empty images', () => {
    expect(imageInfoProblem({ ...ok, format: 'vmdk' })).toMatch(/vmdk image/)
    expect(imageInfoProblem({ ...ok, 'backing-filename': '/etc/shadow' })).toMatch(
      /backing file \(\/etc\/shadow\)/,
    )
    expect(imageInfoProblem({ ...ok, 'full-backing-filename': 'nbd://x' })).toMatch(/backing file/)
    expect(
      imageInfoProblem({ ...ok, 'format-specific': { type: 'qcow2', data: { 'data-file': '/dev/sda' } } }),
    ).toMatch(/external data file \(\/dev\/sda\)/)
    expect(imageInfoProblem({ format: 'qcow2', 'virtual-size': 0 })).toMatch(/no size/)
  })
  it('says download progress as bytes, share and rate', () => {
    expect(progressText({ done: 512 * 1024 ** 2, total: 2 * 1024 ** 3, rate: 11.25 * 1024 ** 2 })).toBe(
      'downloading 512.0 MiB of 2.00 GiB (25%), 11.3 MiB/s',
    )
    expect(progressText({ done: 1024 ** 2, total: null, rate: 0 })).toBe('downloading 1.0 MiB, 0.0 MiB/s')
  })
})

describe('customisation of a node on a cloud base', () => {
  const lab = LabDefinition.parse(defaultLab('c1'))
  const commands = (cloudImage: boolean) =>
    customizeCommands({
      lab,
      node: lab.nodes[0]!,
      family: 'rhel9',
      eol: false,
      uploads: new Map(),
      authorizedKeyFile: '/k.pub',
      hostKeyFiles: [],
      passwordFile: '/pw',
      cloudImage,
    })

  it('turns cloud-init off, only where it is installed, in the same appliance run', () => {
    expect(commands(true)).toContain(CLOUD_INIT_OFF)
    expect(commands(false)).not.toContain(CLOUD_INIT_OFF)
    expect(translateCommand(CLOUD_INIT_OFF)).toEqual([
      'sh "if [ -e /usr/bin/cloud-init ] || [ -d /etc/cloud ]; then mkdir -p /etc/cloud && touch /etc/cloud/cloud-init.disabled; fi"',
    ])
  })
})
