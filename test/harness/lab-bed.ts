// The lab test bed, shared by `npm run test:lab` and `npm run bench:lab`: the offline guest template and its
// local virt-builder repository (built or reused), a private libvirtd (QEMU driver) in a network namespace
// with libvirt's `default` NAT network started, and an images folder the hypervisor can read. Everything
// runs inside that namespace (see `inside`), so guest traffic never leaves it.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { cleanStale, startTestLibvirtd, type TestLibvirtd } from './libvirtd'

export interface LabBed {
  daemon: TestLibvirtd
  /** The template's local virt-builder repository (VIRT_BUILDER_DIRS). */
  repo: string
  images: string
  /** What lab tests and benchmarks read (see test/lab/lab-helpers.ts labEnvironment). */
  env: Record<string, string>
  /** argv that runs a command inside the bed's network namespace. */
  inside: (argv: string[]) => string[]
  stop: () => Promise<void>
}

/**
 * Build or reuse a template (build.sh: the test-double template; build-openstack.sh: Debian with the real
 * OpenStack packages); prints its progress on stderr. Returns the repository folder.
 */
export function templateRepo(script: 'build.sh' | 'build-openstack.sh' = 'build.sh'): string {
  const out = execFileSync('bash', [`test/lab/template/${script}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return out.trim().split('\n').pop()!
}

export async function startLabBed(tag: string, repo = templateRepo()): Promise<LabBed> {
  const stale = await cleanStale()
  if (stale.length) console.log(`removed stale test beds: ${stale.join(', ')}`)
  const daemon = await startTestLibvirtd(tag)
  try {
    const virsh = (...args: string[]) =>
      execFileSync('virsh', ['-c', daemon.qemuUri, ...args], { encoding: 'utf8' })
    if (!virsh('net-list', '--all', '--name').includes('default'))
      virsh('net-define', '/usr/share/libvirt/networks/default.xml')
    virsh('net-start', 'default')
    const images = join(daemon.dir, 'images')
    mkdirSync(images, { recursive: true })
    chmodSync(images, 0o755) // qemu runs as its own user and must reach the disks
    return {
      daemon,
      repo,
      images,
      env: {
        STACKLAB_LAB_URI: daemon.qemuUri,
        STACKLAB_LAB_IMAGES: images,
        STACKLAB_LAB_WORK: join(daemon.dir, 'work'),
        STACKLAB_TEMPLATE_REPO: repo,
      },
      inside: (argv) => ['ip', 'netns', 'exec', daemon.name, ...argv],
      stop: () => daemon.stop(),
    }
  } catch (error) {
    await daemon.stop()
    throw error
  }
}
