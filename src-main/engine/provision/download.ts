// Fetching over HTTP(S) with Node's own http/https (no shell, no curl): a small text (a checksum file) and
// a large file into a `.partial` that a later try resumes with a Range request. Redirects are followed only
// to http/https and only a few; https is never redirected down to http; a size cap holds for both the
// announced and the received size; cancelling (AbortSignal) keeps the partial for the next try.
import { createWriteStream } from 'node:fs'
import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import { pipeline } from 'node:stream/promises'

export const MAX_REDIRECTS = 5
/** No data for this long ends a request (the partial is kept). */
const IDLE_MS = 60_000

/** A download that cannot go on, with what to do about it. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message)
    this.name = 'DownloadError'
  }
}

export interface FetchOptions {
  signal?: AbortSignal | undefined
  maxRedirects?: number | undefined
}

function assertHttp(url: URL, what: string): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new DownloadError(
      `${what} ${url.protocol} is refused: Stacklab downloads only over http and https`,
      'Give an http:// or https:// URL of the image (or an absolute path of a file on this machine)',
    )
}

/** Shown in messages: a URL without its query (which may carry a token). */
export function shownUrl(url: URL | string): string {
  const u = new URL(String(url))
  return `${u.origin}${u.pathname}`
}

/** One GET, following redirects (only to http/https, never from https to http, at most a few). */
async function get(
  start: string,
  headers: Record<string, string>,
  options: FetchOptions,
): Promise<{ res: http.IncomingMessage; url: URL }> {
  let url = new URL(start)
  assertHttp(url, 'The address')
  const max = options.maxRedirects ?? MAX_REDIRECTS
  for (let hop = 0; ; hop++) {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http
      const req = lib.get(url, { headers, ...(options.signal ? { signal: options.signal } : {}) }, resolve)
      req.setTimeout(IDLE_MS, () => req.destroy(new Error(`no answer for ${IDLE_MS / 1000} s`)))
      req.on('error', reject)
    })
    const status = res.statusCode ?? 0
    if (![301, 302, 303, 307, 308].includes(status)) return { res, url }
    res.resume()
    const location = res.headers.location
    if (!location) throw new DownloadError(`${shownUrl(url)} redirects (${status}) without a Location`, '')
    if (hop >= max)
      throw new DownloadError(
        `${shownUrl(start)} redirects more than ${max} times`,
        'Give the final address of the file',
      )
    let next: URL
    try {
      next = new URL(location, url)
    } catch {
      throw new DownloadError(`${shownUrl(url)} redirects to an invalid address`, '')
    }
    assertHttp(next, `${shownUrl(url)} redirects to`)
    if (url.protocol === 'https:' && next.protocol === 'http:')
      throw new DownloadError(
        `${shownUrl(url)} redirects from https down to plain http (${shownUrl(next)}): refused`,
        'Give an address that stays on https',
      )
    url = next
  }
}

function httpFailure(url: URL, status: number): DownloadError {
  return new DownloadError(
    `${shownUrl(url)} answered HTTP ${status}`,
    status === 404
      ? 'Check the address: the file is not there (a "latest" name may have moved on)'
      : 'Try again later, or use another mirror of the image',
  )
}

/** A small text file (a checksum file), at most `maxBytes`. */
export async function fetchText(url: string, options: FetchOptions & { maxBytes: number }): Promise<string> {
  const { res, url: final } = await get(
    url,
    { 'user-agent': 'stacklab', 'accept-encoding': 'identity' },
    options,
  )
  if (res.statusCode !== 200) {
    res.resume()
    throw httpFailure(final, res.statusCode ?? 0)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > options.maxBytes) {
      res.destroy()
      throw new DownloadError(
        `${shownUrl(final)} is bigger than ${options.maxBytes} bytes: not a checksum file`,
        'Give the address of the checksum file published beside the image',
      )
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export interface Progress {
  done: number
  /** null when the server does not say. */
  total: number | null
  /** Bytes per second since this try began. */
  rate: number
}

/** What the partial's sidecar remembers, so a resume asks only for the same file (If-Range). */
interface PartialMeta {
  url: string
  etag: string | null
  lastModified: string | null
}

async function readMeta(path: string): Promise<PartialMeta | null> {
  try {
    const m = JSON.parse(await readFile(path, 'utf8')) as Partial<PartialMeta>
    if (typeof m.url !== 'string') return null
    return {
      url: m.url,
      etag: typeof m.etag === 'string' ? m.etag : null,
      lastModified: typeof m.lastModified === 'string' ? m.lastModified : null,
    }
  } catch {
    return null
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0
  }
}

export function partialMetaPath(partial: string): string {
  return `${partial}.json`
}

/**
 * Download `url` into `partial`, resuming what an earlier try left there (Range, with If-Range on the
 * validator that try saw). A server that ignores Range, or whose file changed, answers 200 and the file is
 * written again from its start. Returns the bytes the partial holds. The caller verifies the content.
 */
export async function downloadResumable(
  url: string,
  partial: string,
  options: FetchOptions & {
    maxBytes: number
    onProgress?: (p: Progress) => void
    /** How often onProgress is called while bytes flow (it is called at the end too). */
    progressMs?: number
  },
): Promise<{ bytes: number; resumedFrom: number }> {
  const metaPath = partialMetaPath(partial)
  const meta = await readMeta(metaPath)
  let have = await sizeOf(partial)
  const headers: Record<string, string> = { 'user-agent': 'stacklab', 'accept-encoding': 'identity' }
  if (have > 0) {
    headers['range'] = `bytes=${have}-`
    // Only a strong ETag or a date may be used with If-Range (RFC 9110); without one, the SHA-256 check at
    // the end still catches a file that changed underneath.
    const validator =
      meta?.url === url ? ((meta.etag?.startsWith('W/') ? null : meta.etag) ?? meta.lastModified) : null
    if (validator) headers['if-range'] = validator
  }
  let { res, url: final } = await get(url, headers, options)
  let status = res.statusCode ?? 0
  let total: number | null = null
  let append = false
  if (status === 206 && have > 0) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''))
    const etag = typeof res.headers.etag === 'string' ? res.headers.etag : null
    const changed = meta?.etag && etag && meta.etag !== etag
    if (range && Number(range[1]) === have && !changed) {
      append = true
      total = range[3] === '*' ? null : Number(range[3])
    }
  }
  if (!append && (status === 206 || status === 416)) {
    // A range that does not continue our partial (or none is possible): start over, without Range.
    res.resume()
    have = 0
    ;({ res, url: final } = await get(
      url,
      { 'user-agent': 'stacklab', 'accept-encoding': 'identity' },
      options,
    ))
    status = res.statusCode ?? 0
  }
  if (!append) {
    if (status !== 200) {
      res.resume()
      throw httpFailure(final, status)
    }
    have = 0
    const length = res.headers['content-length']
    total = length !== undefined && /^\d+$/.test(length) ? Number(length) : null
  }
  if (total !== null && total > options.maxBytes) {
    res.destroy()
    await rm(partial, { force: true })
    await rm(metaPath, { force: true })
    throw new DownloadError(
      `${shownUrl(final)} is ${total} bytes, more than the ${options.maxBytes} bytes a base image may have`,
      'Check the address: it is not a disk image of a lab node',
    )
  }
  const resumedFrom = have
  const next: PartialMeta = {
    url,
    etag: typeof res.headers.etag === 'string' ? res.headers.etag : null,
    lastModified: typeof res.headers['last-modified'] === 'string' ? res.headers['last-modified'] : null,
  }
  await writeFile(metaPath, JSON.stringify(next) + '\n', { mode: 0o644 })

  let done = have
  const t0 = Date.now()
  let last = 0
  const every = options.progressMs ?? 1000
  const report = (force: boolean) => {
    const now = Date.now()
    if (!force && now - last < every) return
    last = now
    const seconds = Math.max(0.001, (now - t0) / 1000)
    options.onProgress?.({ done, total, rate: (done - resumedFrom) / seconds })
  }
  const max = options.maxBytes
  let tooBig = false
  try {
    await pipeline(
      res,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          done += chunk.length
          if (done > max) {
            tooBig = true
            throw new Error('too big')
          }
          report(false)
          yield chunk
        }
      },
      createWriteStream(partial, { flags: append ? 'a' : 'w', mode: 0o644 }),
      ...(options.signal ? [{ signal: options.signal }] : []),
    )
  } catch (error) {
    if (tooBig) {
      await rm(partial, { force: true })
      await rm(metaPath, { force: true })
      throw new DownloadError(
        `${shownUrl(final)} sends more than the ${max} bytes a base image may have`,
        'Check the address: it is not a disk image of a lab node',
      )
    }
    if (options.signal?.aborted) throw error
    throw new DownloadError(
      `the download of ${shownUrl(final)} broke off after ${done} of ${total ?? '?'} bytes (${(error as Error).message})`,
      'Retry: the download resumes where it stopped',
    )
  }
  report(true)
  if (total !== null && done !== total)
    throw new DownloadError(
      `the download of ${shownUrl(final)} broke off after ${done} of ${total} bytes`,
      'Retry: the download resumes where it stopped',
    )
  return { bytes: done, resumedFrom }
}
