// A cloud image as a lab's base, against a real HTTP server (node:http on loopback) serving real qcow2 files
// made with qemu-img: download, SHA-256 check and cache by checksum; a second use without a request; resume
// with a Range request after the server cuts the connection; a server that ignores Range; a wrong checksum;
// checksum files in GNU and BSD format; cancel keeping the partial; images that name a backing file or an
// external data file refused; raw converted; local files copied; redirects to file: refused; a size cap.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createRun } from '../../src-main/engine/exec'
import { createLogger } from '../../src-main/engine/log'
import { ensureCloudBase, resolveSha256 } from '../../src-main/engine/provision/cloud-image'
import { DownloadError } from '../../src-main/engine/provision/download'
import { CloudImage, cloudBaseName, type CloudImageInput } from '../../src-shared/cloud-image'
import { ApiError } from '../../src-shared/errors'
import { defaultLab } from '../../src-shared/lab'
import { rejection, tempDir, testEngine, waitFor } from '../helpers'

interface Seen {
  path: string
  range: string | undefined
  ifRange: string | undefined
}

/** How the server answers an image request. */
type Mode = 'normal' | 'cut-once' | 'ignore-range-cut-once' | 'stall'

const tmp = tempDir('stacklab-cloud-')
const run = createRun(createLogger(join(tmp.dir, 'log.txt')))
const files = new Map<string, Buffer>()
const seen: Seen[] = []
let mode: Mode = 'normal'
let cuts = 0
let stalled: (() => void) | null = null
let server: http.Server
let base = ''

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/** A qcow2 made with qemu-img, with some data written into it so it is big enough to be cut in half. */
function makeQcow2(name: string, args: string[] = []): Buffer {
  const raw = join(tmp.dir, `${name}.raw`)
  const out = join(tmp.dir, name)
  // Incompressible data, so the qcow2 is as big as the data (about 3 MiB).
  writeFileSync(
    raw,
    Buffer.concat(
      Array.from({ length: 48 }, (_, i) => createHash('sha512').update(`${name}${i}`).digest()).map((b) =>
        Buffer.concat(Array(1024).fill(b)),
      ),
    ),
  )
  if (args.length) execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', ...args, out, '16M'])
  else execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, out])
  return readFileSync(out)
}

const url = (path: string) => `${base}${path}`

beforeAll(async () => {
  files.set('/img/good.qcow2', makeQcow2('good.qcow2'))
  files.set('/img/other.qcow2', makeQcow2('other.qcow2'))
  files.set('/img/backed.qcow2', makeQcow2('backed.qcow2', ['-b', '/etc/passwd', '-F', 'raw']))
  files.set(
    '/img/datafile.qcow2',
    makeQcow2('datafile.qcow2', ['-o', `data_file=${join(tmp.dir, 'ext.raw')}`]),
  )
  files.set('/img/plain.raw', readFileSync(join(tmp.dir, 'good.qcow2.raw')))
  const good = sha(files.get('/img/good.qcow2')!)
  files.set('/sums/gnu.txt', Buffer.from(`${sha(Buffer.from('x'))}  other.qcow2\n${good}  good.qcow2\n`))
  files.set(
    '/sums/bsd.txt',
    Buffer.from(
      `# good.qcow2: 1 bytes\nSHA256 (other.qcow2) = ${'0'.repeat(64)}\nSHA256 (good.qcow2) = ${good.toUpperCase()}\n`,
    ),
  )
  // CentOS's "latest" checksum file names the dated image the link points to.
  files.set(
    '/sums/single.txt',
    Buffer.from(`# good-20261101.qcow2: 9 bytes\nSHA256 (good-20261101.qcow2) = ${good}\n`),
  )

  server = http.createServer((req, res) => {
    const path = req.url ?? '/'
    seen.push({ path, range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined })
    if (path === '/redirect-file') {
      res.writeHead(302, { location: 'file:///etc/passwd' }).end()
      return
    }
    if (path.startsWith('/loop')) {
      res.writeHead(302, { location: `/loop${path.length}` }).end()
      return
    }
    if (path === '/hop') {
      res.writeHead(301, { location: '/img/good.qcow2' }).end()
      return
    }
    if (path === '/chunked/good.qcow2') {
      // No Content-Length: only the bytes as they arrive can tell the size.
      const data = files.get('/img/good.qcow2')!
      res.writeHead(200, { 'transfer-encoding': 'chunked' })
      for (let at = 0; at < data.length; at += 256 * 1024) res.write(data.subarray(at, at + 256 * 1024))
      res.end()
      return
    }
    const data = files.get(path)
    if (!data) {
      res.writeHead(404).end()
      return
    }
    const etag = `"${sha(data).slice(0, 16)}"`
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    // If-Range as RFC 9110 says: the range only when the validator is the file's current one.
    const current = !req.headers['if-range'] || req.headers['if-range'] === etag
    const honour = range && current && mode !== 'ignore-range-cut-once' && Number(range[1]) < data.length
    if (honour) {
      const from = Number(range[1])
      res.writeHead(206, {
        'content-length': data.length - from,
        'content-range': `bytes ${from}-${data.length - 1}/${data.length}`,
        etag,
      })
      res.end(data.subarray(from))
      return
    }
    res.writeHead(200, { 'content-length': data.length, etag, 'accept-ranges': 'bytes' })
    if (path.startsWith('/img/') && (mode === 'cut-once' || mode === 'ignore-range-cut-once') && cuts === 0) {
      cuts++
      // Half the file, then the connection is cut.
      res.write(data.subarray(0, data.length >> 1), () => res.socket?.destroy())
      // A "latest" file replaced by a new build between two tries.
      if (path === '/img/moving.qcow2') files.set(path, files.get('/img/good.qcow2')!)
      return
    }
    if (path.startsWith('/img/') && mode === 'stall') {
      res.write(data.subarray(0, data.length >> 1))
      stalled = () => res.socket?.destroy()
      return
    }
    res.end(data)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  stalled?.()
  await new Promise((resolve) => server.close(resolve))
  tmp.cleanup()
})

let cache = ''
let n = 0
beforeEach(() => {
  seen.length = 0
  mode = 'normal'
  cuts = 0
  cache = join(tmp.dir, `cache-${n++}`)
})

const image = (input: CloudImageInput) => CloudImage.parse(input)
const goodSha = () => sha(files.get('/img/good.qcow2')!)

describe('a cloud image from an HTTP server', () => {
  it('is downloaded with progress, verified and cached by checksum (0644); the next lab uses the cache without a request', async () => {
    const steps: string[] = []
    const img = image({ url: url('/img/good.qcow2'), sha256: goodSha() })
    const got = await ensureCloudBase(run, { image: img, cacheDir: cache, onStep: (s) => steps.push(s) })
    expect(got).toEqual({ path: join(cache, cloudBaseName(goodSha())), sha256: goodSha(), cached: false })
    expect(readFileSync(got.path).equals(files.get('/img/good.qcow2')!)).toBe(true)
    expect(statSync(got.path).mode & 0o777).toBe(0o644)
    expect(readdirSync(cache)).toEqual([cloudBaseName(goodSha())]) // no partial, sidecar or lock left
    expect(steps.some((s) => /^downloading .* of .*MiB \(\d+%\), .*\/s$/.test(s))).toBe(true)
    expect(steps).toContain('verifying SHA-256')
    expect(seen.map((s) => s.path)).toEqual(['/img/good.qcow2'])

    seen.length = 0
    const again = await ensureCloudBase(run, { image: img, cacheDir: cache })
    expect(again).toEqual({ ...got, cached: true })
    expect(seen).toEqual([])
  })

  it('resumes with a Range request after the server cuts the connection halfway', async () => {
    mode = 'cut-once'
    const img = image({ url: url('/img/good.qcow2'), sha256: goodSha() })
    const got = await ensureCloudBase(run, { image: img, cacheDir: cache, retryMs: 0 })
    expect(seen).toHaveLength(2)
    expect(seen[0]!.range).toBeUndefined()
    const from = Number(/^bytes=(\d+)-$/.exec(seen[1]!.range ?? '')?.[1])
    expect(from).toBeGreaterThan(0)
    expect(from).toBeLessThanOrEqual(files.get('/img/good.qcow2')!.length >> 1)
    expect(seen[1]!.ifRange).toMatch(/^"[0-9a-f]{16}"$/) // the validator the first try saw
    expect(sha(readFileSync(got.path))).toBe(goodSha())
  })

  it('starts again from zero when the server ignores Range, and the result verifies', async () => {
    mode = 'ignore-range-cut-once'
    const img = image({ url: url('/img/good.qcow2'), sha256: goodSha() })
    const got = await ensureCloudBase(run, { image: img, cacheDir: cache, retryMs: 0 })
    expect(seen).toHaveLength(2)
    expect(seen[1]!.range).toMatch(/^bytes=\d+-$/) // asked to resume, got the whole file: written afresh
    expect(readFileSync(got.path).equals(files.get('/img/good.qcow2')!)).toBe(true)
  })

  it('starts again from zero when the file changed between tries (If-Range with the old validator)', async () => {
    mode = 'cut-once'
    files.set('/img/moving.qcow2', files.get('/img/other.qcow2')!)
    const img = image({ url: url('/img/moving.qcow2'), sha256: goodSha() })
    const got = await ensureCloudBase(run, { image: img, cacheDir: cache, retryMs: 0 })
    expect(seen).toHaveLength(2)
    expect(seen[1]!.ifRange).toBe(`"${sha(files.get('/img/other.qcow2')!).slice(0, 16)}"`)
    expect(readFileSync(got.path).equals(files.get('/img/good.qcow2')!)).toBe(true)
  })

  it('refuses a wrong checksum: nothing cached, the partial removed, an error with the fix', async () => {
    const wrong = sha(Buffer.from('not the image'))
    const error = await rejection(
      ensureCloudBase(run, { image: image({ url: url('/img/good.qcow2'), sha256: wrong }), cacheDir: cache }),
      DownloadError,
    )
    expect(error.message).toContain(`SHA-256 is ${goodSha()}, not ${wrong}`)
    expect(error.fix).toMatch(/image\.sha256/)
    expect(readdirSync(cache)).toEqual([])
  })

  it.each([
    ['GNU (HASH  NAME)', '/sums/gnu.txt'],
    ['BSD (SHA256 (NAME) = HASH)', '/sums/bsd.txt'],
  ])('reads the checksum from a published %s checksum file', async (_, file) => {
    const img = image({ url: url('/img/good.qcow2'), checksumUrl: url(file) })
    expect(await resolveSha256(img)).toBe(goodSha())
    seen.length = 0
    const got = await ensureCloudBase(run, { image: img, cacheDir: cache })
    expect(got.sha256).toBe(goodSha())
    expect(seen.map((s) => s.path)).toEqual([file, '/img/good.qcow2'])
  })

  it('takes the one entry of a checksum file that names the dated image a "latest" link points to', async () => {
    const img = image({ url: url('/img/good.qcow2'), checksumUrl: url('/sums/single.txt') })
    expect(await resolveSha256(img)).toBe(goodSha())
  })

  it('refuses a checksum file that does not list the image, naming the field and what it lists', async () => {
    files.set('/sums/none.txt', Buffer.from(`${'a'.repeat(64)}  one.qcow2\n${'b'.repeat(64)}  two.qcow2\n`))
    const img = image({ url: url('/img/good.qcow2'), checksumUrl: url('/sums/none.txt') })
    const error = await rejection(ensureCloudBase(run, { image: img, cacheDir: cache }), DownloadError)
    expect(error.message).toMatch(
      /^image\.checksumUrl: .*no SHA-256 for good\.qcow2 \(it lists one\.qcow2, two\.qcow2\)/,
    )
    expect(existsSync(cache)).toBe(false)
  })

  it('keeps the partial when cancelled mid-download, and the next try resumes it', async () => {
    mode = 'stall'
    const controller = new AbortController()
    const img = image({ url: url('/img/good.qcow2'), sha256: goodSha() })
    const partial = join(cache, `${cloudBaseName(goodSha())}.partial`)
    const pending = ensureCloudBase(run, { image: img, cacheDir: cache, signal: controller.signal })
    // Half the image arrived and the server stalls: the user presses Cancel.
    await waitFor(() => existsSync(partial) && statSync(partial).size > 0, {
      timeoutMs: 30_000,
      what: 'the first bytes in the partial',
    })
    controller.abort()
    await expect(pending).rejects.toThrow(/abort/i)
    stalled?.()
    const kept = statSync(partial).size
    expect(kept).toBeGreaterThan(0)
    expect(existsSync(join(cache, cloudBaseName(goodSha())))).toBe(false)
    expect(existsSync(`${join(cache, cloudBaseName(goodSha()))}.lock`)).toBe(false)

    mode = 'normal'
    seen.length = 0
    const got = await ensureCloudBase(run, { image: img, cacheDir: cache })
    expect(seen.map((s) => s.range)).toEqual([`bytes=${kept}-`])
    expect(sha(readFileSync(got.path))).toBe(goodSha())
  })

  it.each([
    [
      'a backing file (here /etc/passwd)',
      '/img/backed.qcow2',
      /refused: it names a backing file \(\/etc\/passwd\)/,
    ],
    ['an external data file', '/img/datafile.qcow2', /refused: it names an external data file/],
  ])('refuses a qcow2 that names %s, and keeps nothing', async (_, path, message) => {
    const img = image({ url: url(path), sha256: sha(files.get(path)!) })
    const error = await rejection(ensureCloudBase(run, { image: img, cacheDir: cache }), DownloadError)
    expect(error.message).toMatch(message)
    expect(readdirSync(cache)).toEqual([])
  })

  it('converts a raw image to qcow2 before it becomes a base', async () => {
    const raw = files.get('/img/plain.raw')!
    const got = await ensureCloudBase(run, {
      image: image({ url: url('/img/plain.raw'), sha256: sha(raw) }),
      cacheDir: cache,
    })
    const info = JSON.parse(
      execFileSync('qemu-img', ['info', '--output=json', got.path], { encoding: 'utf8' }),
    ) as {
      format: string
    }
    expect(info.format).toBe('qcow2')
    execFileSync('qemu-img', [
      'compare',
      '-q',
      '-f',
      'raw',
      '-F',
      'qcow2',
      join(tmp.dir, 'good.qcow2.raw'),
      got.path,
    ])
    expect(readdirSync(cache)).toEqual([cloudBaseName(sha(raw))])
  })

  it('follows a redirect to http, and refuses one to file: before anything is written', async () => {
    const got = await ensureCloudBase(run, {
      image: image({ url: url('/hop'), sha256: goodSha() }),
      cacheDir: cache,
    })
    expect(got.cached).toBe(false)
    const other = join(tmp.dir, 'cache-redirect')
    const error = await rejection(
      ensureCloudBase(run, {
        image: image({ url: url('/redirect-file'), sha256: goodSha() }),
        cacheDir: other,
      }),
      DownloadError,
    )
    expect(error.message).toMatch(/redirects to file: is refused/)
    expect(readdirSync(other)).toEqual([])
  })

  it('refuses a redirect from https down to plain http', async () => {
    // A TLS server on loopback with a certificate made here, trusted by this process only.
    const key = join(tmp.dir, 'tls.key')
    const cert = join(tmp.dir, 'tls.crt')
    execFileSync('openssl', [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1'],
    ])
    const tls = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      seen.push({ path: `tls:${req.url}`, range: undefined, ifRange: undefined })
      res.writeHead(302, { location: url('/img/good.qcow2') }).end()
    })
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve))
    const ca = https.globalAgent.options.ca
    https.globalAgent.options.ca = readFileSync(cert)
    try {
      const port = (tls.address() as AddressInfo).port
      const error = await rejection(
        ensureCloudBase(run, {
          image: image({ url: `https://127.0.0.1:${port}/a.qcow2`, sha256: goodSha() }),
          cacheDir: cache,
        }),
        DownloadError,
      )
      expect(error.message).toMatch(/redirects from https down to plain http .*: refused/)
      expect(seen.map((s) => s.path)).toEqual(['tls:/a.qcow2']) // the http address was never asked
      expect(readdirSync(cache)).toEqual([])
    } finally {
      https.globalAgent.options.ca = ca
      https.globalAgent.destroy()
      await new Promise((resolve) => tls.close(resolve))
    }
  })

  it('stops following a redirect loop after a few hops', async () => {
    const error = await rejection(
      ensureCloudBase(run, { image: image({ url: url('/loop'), sha256: goodSha() }), cacheDir: cache }),
      DownloadError,
    )
    expect(error.message).toMatch(/redirects more than 5 times/)
    expect(seen.length).toBe(6)
    expect(readdirSync(cache)).toEqual([])
  })

  it('refuses an image bigger than the size cap and keeps nothing', async () => {
    const error = await rejection(
      ensureCloudBase(run, {
        image: image({ url: url('/img/good.qcow2'), sha256: goodSha() }),
        cacheDir: cache,
        maxBytes: 1024 * 1024,
      }),
      DownloadError,
    )
    expect(error.message).toMatch(/is \d+ bytes, more than the 1048576 bytes a base image may have/)
    expect(readdirSync(cache)).toEqual([])
  })

  it('stops an image that sends more than the size cap without saying its size, and keeps nothing', async () => {
    const error = await rejection(
      ensureCloudBase(run, {
        image: image({ url: url('/chunked/good.qcow2'), sha256: goodSha() }),
        cacheDir: cache,
        maxBytes: 1024 * 1024,
      }),
      DownloadError,
    )
    expect(error.message).toMatch(/sends more than the 1048576 bytes a base image may have/)
    expect(readdirSync(cache)).toEqual([])
  })
})

describe('a cloud image from a file on this machine', () => {
  it('is verified and copied into the cache; a wrong checksum keeps nothing', async () => {
    const path = join(tmp.dir, 'good.qcow2')
    const got = await ensureCloudBase(run, {
      image: image({ url: path, sha256: goodSha() }),
      cacheDir: cache,
    })
    expect(readFileSync(got.path).equals(readFileSync(path))).toBe(true)
    expect(statSync(got.path).ino).not.toBe(statSync(path).ino) // a copy: the user's file stays theirs
    const other = join(tmp.dir, 'cache-local-wrong')
    await rejection(
      ensureCloudBase(run, { image: image({ url: path, sha256: 'f'.repeat(64) }), cacheDir: other }),
      DownloadError,
    )
    expect(readdirSync(other)).toEqual([])
  })

  it('refuses a path that is not a regular file (a device would feed data without end)', async () => {
    const error = await rejection(
      ensureCloudBase(run, { image: image({ url: '/dev/zero', sha256: goodSha() }), cacheDir: cache }),
      DownloadError,
    )
    expect(error.message).toMatch(/\/dev\/zero is not a regular file/)
    expect(readdirSync(cache)).toEqual([])
  })
})

describe('bad image inputs, refused before anything is written', () => {
  it.each([
    [{ url: 'https://example.org/a.qcow2', sha256: 'xyz' }, 'image.sha256', /64 hexadecimal digits/],
    [{ url: 'ftp://example.org/a.qcow2', sha256: 'a'.repeat(64) }, 'image.url', /ftp: is not supported/],
    [{ url: 'file:///etc/passwd', sha256: 'a'.repeat(64) }, 'image.url', /file: is not supported/],
    [{ url: 'images/a.qcow2', sha256: 'a'.repeat(64) }, 'image.url', /absolute path/],
    [{ url: '/srv/../etc/a.qcow2', sha256: 'a'.repeat(64) }, 'image.url', /plain absolute path/],
    [{ url: 'https://example.org/a.qcow2' }, 'image.sha256', /never used unverified/],
    [
      { url: 'https://example.org/a.qcow2', checksumUrl: 'file:///etc/sums' },
      'image.checksumUrl',
      /file: is not supported/,
    ],
  ])('%j: refused at %s', async (img, field, message) => {
    const dir = tempDir('stacklab-cloud-bad-')
    try {
      const engine = testEngine(dir.dir)
      const images = join(dir.dir, 'images')
      await engine.api.call('settings.update', { imagesDir: images })
      const lab = { ...defaultLab('badimg', 'centos-stream-9'), image: img }
      const error = await rejection(engine.api.call('lab.create', { definition: lab }), ApiError)
      const issues = error.issues ?? []
      const found = issues.find((i) => i.path === `definition.${field}`)
      expect(found?.message, JSON.stringify(issues)).toMatch(message)
      expect(existsSync(images)).toBe(false)
    } finally {
      dir.cleanup()
    }
  })
})
