// Disks: a base image built once per template with virt-builder (cached), copy-on-write overlays of each
// node's size with qemu-img, and per-node customisation with virt-customize (or guestfish, guestfish.ts). Progress is read from the tools'
// own output.
import { alive } from '../proc'
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Run } from '../exec'
import { baseImageName } from '../../../src-shared/lab'
import { diskFolder, reserveDisk, settleBase, tightenDisk } from '../lab/disks'

/** libguestfs under QEMU software emulation where KVM cannot run guests (ENVIRONMENT: force_tcg). */
export function guestfsEnv(virtType: 'kvm' | 'qemu'): Record<string, string> {
  return virtType === 'kvm'
    ? { LIBGUESTFS_BACKEND: 'direct' }
    : { LIBGUESTFS_BACKEND: 'direct', LIBGUESTFS_BACKEND_SETTINGS: 'force_tcg' }
}

export interface TemplateSource {
  /** A directory holding `virt-builder/repos.d/*.conf` (VIRT_BUILDER_DIRS), e.g. a classroom mirror. */
  reposDir?: string | undefined
  /** Unsigned local repositories need this. */
  noCheckSignature?: boolean | undefined
}

/** `[  94.0] Resizing (using virt-resize) to expand the disk to 20.0G` → the step text. */
export function parseBuilderStep(line: string): string | null {
  return /^\[\s*\d+\.\d+\]\s(.*)$/.exec(line.trim())?.[1]?.trim() ?? null
}

/**
 * What virt-builder and virt-resize say when a base image cannot be built, each with its fix. Matched on the
 * tool's stderr with every run of whitespace made one space (the tools wrap their messages at 80
 * columns); each pattern is anchored on a literal, so the work stays linear in the text.
 */
export const BUILDER_ERRORS: { id: string; pattern: RegExp; hint: string }[] = [
  {
    id: 'xfs-expand',
    pattern: /unknown\/unavailable method for expanding the xfs filesystem/,
    hint: 'libguestfs cannot resize XFS here: install libguestfs-xfs (Debian/Ubuntu: sudo apt-get install libguestfs-xfs; Fedora/RHEL: sudo dnf install libguestfs-xfs), then retry.',
  },
  {
    id: 'partition-not-found',
    pattern: /(\/dev\/\w{1,32}): partition not found in the source disk image/,
    hint: "The template names a partition to expand ($1) that its image does not have: fix expand= in the template source's index (virt-filesystems --partitions --long -a <image> lists the partitions there are), or choose another template.",
  },
  {
    id: 'template-not-found',
    pattern: /cannot find os-version|cannot find template|no template named/i,
    hint: 'The template is not in the configured repositories: check the template source in Settings (virt-builder --list shows what is there).',
  },
  {
    id: 'signature',
    pattern:
      /GPG failure: could not verify digital signature|gpg: BAD signature|gpg: Can't check signature|no valid OpenPGP data found/,
    hint: "The template source's signature does not verify with its key: the gpgkey= of the source's .conf is not the key its index was signed with, the cache is stale (virt-builder --delete-cache), or the download was altered. Fix the key; only for an unsigned classroom mirror you trust, turn off the signature check for that source in Settings.",
  },
  {
    id: 'source-unreachable',
    pattern: /could not resolve|curl: \((?:6|7)\)/i,
    hint: 'The template source cannot be reached: with no internet, point Stacklab at a local or classroom mirror of virt-builder templates.',
  },
]

/** The class of a virt-builder failure and its fix ($1 filled in), or null when the error is not known. */
export function classifyBuilderError(stderr: string): { id: string; hint: string } | null {
  const text = stderr.replace(/\s+/g, ' ')
  for (const { id, pattern, hint } of BUILDER_ERRORS) {
    const m = pattern.exec(text)
    if (m) return { id, hint: hint.replace('$1', m[1] ?? 'the partition') }
  }
  return null
}

export function explainBuilderError(stderr: string): string | null {
  return classifyBuilderError(stderr)?.hint ?? null
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/**
 * The cached base image for a template and size, built with virt-builder if absent. Built under a temp name
 * and renamed, so a crash never leaves a half-built base that looks complete.
 */
export async function ensureBaseImage(
  run: Run,
  options: {
    template: string
    /** Only for a template whose root cannot grow in place: virt-builder builds the base at this size. */
    sizeGiB?: number
    cacheDir: string
    source: TemplateSource
    virtType: 'kvm' | 'qemu'
    signal?: AbortSignal
    onStep?: (step: string) => void
  },
): Promise<{ path: string; cached: boolean }> {
  const path = join(options.cacheDir, baseImageName(options.template, options.sizeGiB))
  // A 0711 folder like the lab folders, 0644 files (no secrets in a base; see BASE_FILE_MODE).
  await diskFolder(options.cacheDir)
  if (await exists(path)) {
    await settleBase(path)
    return { path, cached: true }
  }
  // Each engine process builds under its own name: a build left running by a crashed engine can finish or
  // die without touching this one. Partial files of engines that are gone are removed.
  const partial = `${path}.partial-${process.pid}`
  for (const name of await readdir(options.cacheDir)) {
    const m = new RegExp(`^${basename(path).replace(/[.]/g, '\\.')}\\.partial-(\\d+)$`).exec(name)
    if (m && (Number(m[1]) === process.pid || !alive(Number(m[1]))))
      await rm(join(options.cacheDir, name), { force: true })
  }
  const env: Record<string, string> = { ...guestfsEnv(options.virtType) }
  if (options.source.reposDir) env['VIRT_BUILDER_DIRS'] = options.source.reposDir
  const args = [
    options.template,
    '-o',
    partial,
    '--format',
    'qcow2',
    ...(options.sizeGiB === undefined ? [] : ['--size', `${options.sizeGiB}G`]),
    // The base carries no password: each node gets its own in customisation.
    '--root-password',
    'disabled',
    '--no-network',
    '--no-sync',
  ]
  if (options.source.noCheckSignature) args.push('--no-check-signature')
  try {
    await run('virt-builder', args, {
      env,
      timeoutMs: 0,
      ...(options.signal ? { signal: options.signal } : {}),
      onStdoutLine: (line) => {
        const step = parseBuilderStep(line)
        if (step) options.onStep?.(step)
      },
    })
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
  await settleBase(partial)
  await rename(partial, path)
  return { path, cached: false }
}

/**
 * A node's disk: a qcow2 overlay on the base, nothing copied. Made only where no file is (ForeignDiskError
 * otherwise), 0600 in a 0711 folder whatever the umask.
 */
export async function createOverlay(run: Run, base: string, path: string, sizeGiB: number): Promise<void> {
  await createDisk(run, path, ['-b', base, '-F', 'qcow2'], sizeGiB)
}

/** A node's data disk: an empty thin qcow2 (a few hundred KiB until the guest writes), made as an overlay is. */
export async function createBlankDisk(run: Run, path: string, sizeGiB: number): Promise<void> {
  await createDisk(run, path, [], sizeGiB)
}

async function createDisk(run: Run, path: string, backing: string[], sizeGiB: number): Promise<void> {
  await diskFolder(dirname(path))
  await reserveDisk(path)
  try {
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', ...backing, path, `${sizeGiB}G`])
  } catch (error) {
    await rm(path, { force: true }) // the empty file reserved above: ours
    throw error
  }
  await tightenDisk(path)
}

/** Apply virt-customize commands from a 0600 file (secrets stay off the command line). */
export async function customizeDisk(
  run: Run,
  disk: string,
  commands: string[],
  options: { workDir: string; virtType: 'kvm' | 'qemu'; signal?: AbortSignal },
): Promise<void> {
  const file = join(options.workDir, `customize-${Date.now()}.txt`)
  await writeFile(file, commands.join('\n') + '\n', { mode: 0o600 })
  try {
    await run('virt-customize', ['-a', disk, '--no-network', '--commands-from-file', file], {
      env: guestfsEnv(options.virtType),
      timeoutMs: 0,
      ...(options.signal ? { signal: options.signal } : {}),
    })
  } finally {
    await rm(file, { force: true })
  }
}
