// A cloud image as a base image: fetched on the host (download.ts, resumable) or copied from a local file,
// its SHA-256 verified, then checked with `qemu-img info` (qcow2, or raw converted to qcow2; a backing file
// or an external data file inside it is refused: either would make QEMU read files of the host's choosing
// the image names), and only then renamed into the base cache as `cloud-<sha256>.qcow2` (0644, like every
// base). One download per image per machine: an in-process map and a lock file keep two labs from writing
// the same partial.
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { open, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { cloudBaseName, fileNameOf, type CloudImage } from '../../../src-shared/cloud-image'
import type { Run } from '../exec'
import { diskFolder, settleBase } from '../lab/disks'
import { alive } from '../proc'
import { checksumFor } from './checksum'
import { DownloadError, downloadResumable, fetchText, partialMetaPath, type Progress } from './download'
import { exists } from './image'

/** A base image may be at most this big (announced or received). */
export const MAX_IMAGE_BYTES = 50 * 1024 ** 3
/** A checksum file is small; anything bigger is not one. */
const MAX_CHECKSUM_BYTES = 1024 * 1024
/** Tries of one download while each try gets further than the last (a flaky link). */
const TRIES = 4

export interface CloudBaseOptions {
  image: CloudImage
  /** The SHA-256 already resolved for this lab (its checksum file is not read again). */
  sha256?: string | undefined
  cacheDir: string
  signal?: AbortSignal | undefined
  /** Progress text; `tick` for the frequent byte counts that need not be logged. */
  onStep?: (step: string, tick?: boolean) => void
  maxBytes?: number
  /** Pause between tries of a broken download. */
  retryMs?: number
}

function mib(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(2)} GiB`
    : `${(bytes / 1024 ** 2).toFixed(1)} MiB`
}

/** `downloading 412.0 MiB of 1.10 GiB (37%), 11.2 MiB/s` */
export function progressText(p: Progress): string {
  const of = p.total ? ` of ${mib(p.total)} (${Math.floor((p.done / p.total) * 100)}%)` : ''
  return `downloading ${mib(p.done)}${of}, ${mib(p.rate)}/s`
}

/** The image's SHA-256: the literal one, or its entry in the published checksum file. */
export async function resolveSha256(
  image: CloudImage,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<string> {
  if (image.sha256) return image.sha256
  const source = image.checksumUrl!
  let text: string
  if (source.startsWith('/')) {
    const info = await stat(source).catch(() => null)
    if (!info?.isFile())
      throw new DownloadError(`the checksum file ${source} is not a file`, 'Check image.checksumUrl')
    if (info.size > MAX_CHECKSUM_BYTES)
      throw new DownloadError(`${source} is too big to be a checksum file`, 'Check image.checksumUrl')
    text = await readFile(source, 'utf8')
  } else {
    text = await fetchText(source, { maxBytes: MAX_CHECKSUM_BYTES, signal: options.signal })
  }
  try {
    return checksumFor(text, fileNameOf(image.url))
  } catch (error) {
    throw new DownloadError(
      `image.checksumUrl: ${(error as Error).message}`,
      'Give the checksum file published beside this image, or the image’s sha256 instead',
    )
  }
}

async function sha256Of(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path), hash, signal ? { signal } : {})
  return hash.digest('hex')
}

/** Copy a local image into the partial, hashing what is copied (what is verified is what is kept). */
async function copyLocal(
  source: string,
  partial: string,
  options: {
    maxBytes: number
    signal?: AbortSignal | undefined
    onStep?: (s: string, tick?: boolean) => void
  },
): Promise<string> {
  const handle = await open(source, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new DownloadError(
      `image.url: cannot read ${source} (${error.code ?? error.message})`,
      'Check the path',
    )
  })
  try {
    const info = await handle.stat()
    // Not a FIFO or a device: either could feed data without end.
    if (!info.isFile())
      throw new DownloadError(`image.url: ${source} is not a regular file`, 'Give the path of a qcow2 file')
    if (info.size > options.maxBytes)
      throw new DownloadError(
        `image.url: ${source} is ${info.size} bytes, more than the ${options.maxBytes} bytes a base may have`,
        'Give the path of a disk image',
      )
    options.onStep?.(`copying ${mib(info.size)} from ${source}`)
    const hash = createHash('sha256')
    let copied = 0
    await pipeline(
      handle.createReadStream({ autoClose: false }),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          copied += chunk.length
          if (copied > options.maxBytes) throw new Error(`${source} grew beyond ${options.maxBytes} bytes`)
          hash.update(chunk)
          yield chunk
        }
      },
      createWriteStream(partial, { flags: 'w', mode: 0o644 }),
      ...(options.signal ? [{ signal: options.signal }] : []),
    )
    return hash.digest('hex')
  } finally {
    await handle.close()
  }
}

interface ImageInfo {
  format?: string
  'virtual-size'?: number
  'backing-filename'?: string
  'full-backing-filename'?: string
  'format-specific'?: { type?: string; data?: { 'data-file'?: string } }
}

/** What is wrong with an image for use as a base, per `qemu-img info`, or null. */
export function imageInfoProblem(info: ImageInfo): string | null {
  if (info.format !== 'qcow2' && info.format !== 'raw')
    return `it is a ${info.format ?? 'unknown'} image; Stacklab takes qcow2 (or raw) cloud images`
  if (info['backing-filename'] !== undefined || info['full-backing-filename'] !== undefined)
    return `it names a backing file (${info['backing-filename'] ?? info['full-backing-filename']}): a downloaded image must stand alone (a backing file would make QEMU read that file of this machine)`
  if (info['format-specific']?.data?.['data-file'] !== undefined)
    return `it names an external data file (${info['format-specific'].data['data-file']}): a downloaded image must stand alone`
  if (!info['virtual-size'] || info['virtual-size'] <= 0) return 'it has no size'
  return null
}

const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]) // "QFI\xfb"

async function isQcow2(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const head = Buffer.alloc(4)
    await handle.read(head, 0, 4, 0)
    return head.equals(QCOW2_MAGIC)
  } finally {
    await handle.close()
  }
}

/** `qemu-img info` of a verified partial: qcow2 read as qcow2 (never probed as something else). */
async function inspect(run: Run, path: string, signal?: AbortSignal): Promise<ImageInfo> {
  const format = (await isQcow2(path)) ? ['-f', 'qcow2'] : []
  const { stdout } = await run('qemu-img', ['info', '--output=json', ...format, path], {
    timeoutMs: 120_000,
    ...(signal ? { signal } : {}),
  })
  return JSON.parse(stdout) as ImageInfo
}

/** Only one engine process fetches an image; another one's lock (if it is alive) is waited out by failing. */
async function takeLock(lock: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx', 0o644)
      await handle.writeFile(String(process.pid))
      await handle.close()
      return () => rm(lock, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new DownloadError(
          `another Stacklab process (pid ${pid}) is fetching this image right now`,
          'Wait until it has finished, then retry: this lab then uses the image it fetched',
        )
      await rm(lock, { force: true }) // left by a process that is gone (or by this one before a crash)
    }
  }
  throw new DownloadError(`cannot take the lock ${lock}`, 'Retry')
}

const inFlight = new Map<string, Promise<{ path: string; sha256: string; cached: boolean }>>()

/**
 * The cached base made from a cloud image: fetched (or copied), verified and checked if absent. Returns its
 * path and the SHA-256 it was verified against.
 */
export async function ensureCloudBase(
  run: Run,
  options: CloudBaseOptions,
): Promise<{ path: string; sha256: string; cached: boolean }> {
  const sha256 = options.sha256 ?? (await resolveSha256(options.image, { signal: options.signal }))
  const path = join(options.cacheDir, cloudBaseName(sha256))
  await diskFolder(options.cacheDir)
  if (await exists(path)) {
    await settleBase(path)
    return { path, sha256, cached: true }
  }
  const running = inFlight.get(path)
  if (running) return running
  const work = fetchBase(run, options, sha256, path).finally(() => inFlight.delete(path))
  inFlight.set(path, work)
  return work
}

async function fetchBase(
  run: Run,
  options: CloudBaseOptions,
  sha256: string,
  path: string,
): Promise<{ path: string; sha256: string; cached: boolean }> {
  const { image, signal } = options
  const step = options.onStep ?? (() => undefined)
  const maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES
  const partial = `${path}.partial`
  const converting = `${path}.converting`
  const release = await takeLock(`${path}.lock`)
  try {
    let got: string
    if (image.url.startsWith('/')) {
      got = await copyLocal(image.url, partial, { maxBytes, signal, onStep: step })
    } else {
      let before = -1
      for (let attempt = 1; ; attempt++) {
        try {
          const { bytes, resumedFrom } = await downloadResumable(image.url, partial, {
            maxBytes,
            signal,
            onProgress: (p) => step(progressText(p), true),
          })
          step(`downloaded ${mib(bytes)}${resumedFrom ? ` (resumed at ${mib(resumedFrom)})` : ''}`)
          break
        } catch (error) {
          const now = await stat(partial).then(
            (s) => s.size,
            () => 0,
          )
          // Another try only when the link broke and this try got further than the one before.
          const broke = error instanceof DownloadError && error.fix.startsWith('Retry')
          if (!broke || signal?.aborted || attempt >= TRIES || now <= before) throw error
          before = now
          step(`the download broke off at ${mib(now)}; resuming (try ${attempt + 1} of ${TRIES})`)
          await new Promise<void>((resolve) => setTimeout(resolve, options.retryMs ?? 2000))
        }
      }
      step('verifying SHA-256')
      got = await sha256Of(partial, signal)
    }
    if (got !== sha256) {
      await rm(partial, { force: true })
      await rm(partialMetaPath(partial), { force: true })
      throw new DownloadError(
        `image.url: the image's SHA-256 is ${got}, not ${sha256}${image.checksumUrl ? ' (from image.checksumUrl)' : ''}: it was not kept`,
        image.checksumUrl
          ? 'The image or its checksum file changed while it was fetched, or a mirror serves another file: retry; if it persists, use another mirror'
          : 'Check image.sha256 against the checksum the image’s publisher lists, or the address: a mirror may serve another file',
      )
    }
    const info = await inspect(run, partial, signal)
    const problem = imageInfoProblem(info)
    if (problem) {
      await rm(partial, { force: true })
      await rm(partialMetaPath(partial), { force: true })
      throw new DownloadError(`image.url: refused: ${problem}`, 'Use the distribution’s own cloud image')
    }
    if (info.format === 'raw') {
      step('converting the raw image to qcow2')
      await rm(converting, { force: true })
      await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', partial, converting], {
        timeoutMs: 0,
        ...(signal ? { signal } : {}),
      })
      await rm(partial, { force: true })
      await settleBase(converting)
      await rename(converting, path)
    } else {
      await settleBase(partial)
      await rename(partial, path)
    }
    await rm(partialMetaPath(partial), { force: true })
    return { path, sha256, cached: false }
  } catch (error) {
    await rm(converting, { force: true })
    if (image.url.startsWith('/')) await rm(partial, { force: true }) // a copy is redone, not resumed
    throw error
  } finally {
    await release()
  }
}
