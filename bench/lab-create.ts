// Benchmark: creating a lab of 2 and 4 nodes with Stacklab against the seeds' manual recipe (one full
// virt-builder per VM, then define and boot), in the same run, from the same offline template repository,
// on the lab test bed (libvirtd + QEMU in a network namespace). Both are timed until every node answers SSH.
//   npm run bench:lab                 (needs root; about 20 minutes under software emulation)
//   npm run bench:lab -- --nodes 4    (one size only)
// Stacklab is measured twice: cold (its base image cache empty, as for the first lab on a host) and warm
// (cache filled, as for every retry and every further lab).
// The nodes have two disk sizes (controller 5 GiB, computes 4 GiB), like the default lab's 40 and 20 GiB:
// the manual recipe builds each at its size; Stacklab builds one base and grows each node's root.
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Client } from 'ssh2'
import { startLabBed } from '../test/harness/lab-bed'
import { Engine } from '../src-main/engine/engine'
import { createLogger } from '../src-main/engine/log'
import { appPaths } from '../src-main/engine/paths'
import { BASE_IMAGE_DIR, LabDefinition, nodeAddress, type LabDefinitionInput } from '../src-shared/lab'
import { smallLab } from '../test/lab/lab-helpers'

const inside = process.argv.includes('--inside')

function labOf(name: string, nodes: number): LabDefinitionInput {
  const lab = smallLab(name)
  const int = `${name}-int`
  lab.nodes = lab.nodes.slice(0, 1)
  for (let i = 1; i < nodes; i++) {
    lab.nodes.push({
      name: `compute${i}`,
      role: 'compute',
      vcpus: 1,
      memoryMiB: 1024,
      diskGiB: 4,
      nics: [
        { network: 'default', ip: `192.168.122.${110 + i}` },
        { network: int, ip: `192.168.90.${110 + i}` },
      ],
    })
  }
  return lab
}

function sshAnswers(host: string, key: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const c = new Client()
    c.once('ready', () => {
      c.end()
      resolve(true)
    })
    c.once('error', () => resolve(false))
    // The manual recipe has no recorded host key to check; any key is accepted here, in the benchmark only.
    c.connect({ host, username: 'root', privateKey: key, readyTimeout: 10_000, hostVerifier: () => true })
  })
}

async function waitSsh(hosts: string[], key: Buffer): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      while (!(await sshAnswers(h, key))) await new Promise((r) => setTimeout(r, 2000))
    }),
  )
}

async function stacklab(
  uri: string,
  images: string,
  repo: string,
  work: string,
  name: string,
  nodes: number,
): Promise<number> {
  const home = join(work, `home-${name}`)
  const paths = appPaths({
    XDG_CONFIG_HOME: join(home, 'c'),
    XDG_DATA_HOME: join(home, 'd'),
    XDG_STATE_HOME: join(home, 's'),
    XDG_CACHE_HOME: join(home, 'k'),
  })
  const engine = new Engine({ host: 'cli', paths, logger: createLogger(paths.log) })
  await engine.api.call('settings.update', {
    connectionUri: uri,
    imagesDir: images,
    templateSource: repo,
    templateUnsigned: true,
  })
  const t0 = performance.now()
  let sshDone = 0
  const job = await engine.api.call('lab.create', { definition: labOf(name, nodes) })
  await new Promise<void>((resolve, reject) => {
    engine.on('job.updated', (j) => {
      if (j.id !== job.id) return
      if (!sshDone && j.steps.find((s) => s.id === 'ssh')?.state === 'done') sshDone = performance.now()
      if (j.state === 'succeeded') resolve()
      else if (j.state !== 'running') reject(new Error(j.error?.message ?? j.state))
    })
  })
  const seconds = (sshDone - t0) / 1000
  const final = (await engine.api.call('jobs.list', {})).find((j) => j.id === job.id)!
  console.log(
    `[${name}] ${seconds.toFixed(0)} s to SSH; steps: ` +
      final.steps
        .filter((s) => s.startedAt && s.finishedAt)
        .map((s) => `${s.id} ${((Date.parse(s.finishedAt!) - Date.parse(s.startedAt!)) / 1000).toFixed(1)}`)
        .join(', '),
  )
  const del = await engine.api.call('lab.delete', { name })
  await new Promise<void>((resolve) =>
    engine.on('job.updated', (j) => j.id === del.id && j.state !== 'running' && resolve()),
  )
  await engine.close()
  return seconds
}

async function manual(
  uri: string,
  images: string,
  repo: string,
  work: string,
  name: string,
  nodes: number,
): Promise<number> {
  const dir = join(images, `manual-${name}`)
  mkdirSync(dir, { recursive: true })
  chmodSync(dir, 0o755)
  const key = join(work, `manual-${name}-key`)
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
  const pw = join(work, `manual-${name}-pw`)
  writeFileSync(pw, 'manual-recipe-password', { mode: 0o600 })
  const lab = LabDefinition.parse(labOf(name, nodes))
  const virsh = (...args: string[]) => execFileSync('virsh', ['-c', uri, ...args], { encoding: 'utf8' })
  virsh(
    'net-define',
    writeTemp(
      work,
      `${name}-net.xml`,
      `<network><name>${name}-int</name><bridge stp="on"/><ip address="192.168.90.1" netmask="255.255.255.0"/></network>`,
    ),
  )
  virsh('net-start', `${name}-int`)
  const t0 = performance.now()
  for (const node of lab.nodes) {
    const ifaces = writeTemp(
      work,
      `${name}-${node.name}-interfaces`,
      `auto lo\niface lo inet loopback\nauto eth0\niface eth0 inet static\n  address ${nodeAddress(node)}/24\n  gateway 192.168.122.1\nauto eth1\niface eth1 inet static\n  address ${node.nics[1]!.ip}/24\n`,
    )
    // The seeds' recipe: one full virt-builder per VM (here with what it takes to be reachable).
    const disk = join(dir, `${node.name}.qcow2`)
    const r = spawnSync(
      'virt-builder',
      [
        'debian-12-stacklab',
        '-o',
        disk,
        '--format',
        'qcow2',
        '--size',
        `${node.diskGiB}G`,
        '--no-network',
        '--no-check-signature',
        '--root-password',
        `file:${pw}`,
        '--hostname',
        `${node.name}.example.com`,
        '--ssh-inject',
        `root:file:${key}.pub`,
        '--upload',
        `${ifaces}:/etc/network/interfaces`,
        '--run-command',
        'ssh-keygen -A',
      ],
      {
        env: {
          ...process.env,
          VIRT_BUILDER_DIRS: repo,
          LIBGUESTFS_BACKEND: 'direct',
          LIBGUESTFS_BACKEND_SETTINGS: 'force_tcg',
        },
        stdio: 'ignore',
      },
    )
    if (r.status !== 0) throw new Error(`virt-builder failed for ${node.name}`)
    virsh(
      'define',
      writeTemp(
        work,
        `${name}-${node.name}.xml`,
        domainXmlFor(`${name}-${node.name}`, node.memoryMiB, node.vcpus, disk, name),
      ),
    )
    virsh('start', `${name}-${node.name}`)
  }
  await waitSsh(lab.nodes.map(nodeAddress), readFileSync(key))
  const seconds = (performance.now() - t0) / 1000
  // Printed as it comes, like Stacklab's runs: a run cut short still leaves its figures.
  console.log(`[${name}] ${seconds.toFixed(0)} s to SSH (one virt-builder per VM, then define and boot)`)
  for (const node of lab.nodes) {
    virsh('destroy', `${name}-${node.name}`)
    virsh('undefine', `${name}-${node.name}`)
  }
  virsh('net-destroy', `${name}-int`)
  virsh('net-undefine', `${name}-int`)
  rmSync(dir, { recursive: true, force: true })
  return seconds
}

function writeTemp(work: string, name: string, content: string): string {
  const p = join(work, name)
  writeFileSync(p, content)
  return p
}

function domainXmlFor(name: string, memoryMiB: number, vcpus: number, disk: string, lab: string): string {
  return `<domain type="qemu"><name>${name}</name><memory unit="MiB">${memoryMiB}</memory><vcpu>${vcpus}</vcpu>
<os><type arch="x86_64" machine="pc">hvm</type><boot dev="hd"/></os><features><acpi/><apic/></features>
<devices><disk type="file" device="disk"><driver name="qemu" type="qcow2"/><source file="${disk}"/><target dev="vda" bus="virtio"/></disk>
<interface type="network"><source network="default"/><model type="virtio"/></interface>
<interface type="network"><source network="${lab}-int"/><model type="virtio"/></interface>
<serial type="pty"/><console type="pty"/></devices></domain>`
}

async function measure() {
  const uri = process.env['STACKLAB_LAB_URI']!
  const images = process.env['STACKLAB_LAB_IMAGES']!
  const repo = process.env['STACKLAB_TEMPLATE_REPO']!
  const work = process.env['STACKLAB_LAB_WORK']!
  mkdirSync(work, { recursive: true })
  // --nodes 2 or --nodes 4 measures one size only (each size takes 10 minutes or more here).
  const only = process.argv.includes('--nodes') ? process.argv[process.argv.indexOf('--nodes') + 1] : null
  const rows: string[] = [
    `nodes | manual s | Stacklab cold s | Stacklab warm s | cold/manual | warm/manual (targets: cold 2 nodes <= 0.40, cold 4 nodes <= 0.30)`,
  ]
  const fmt = (n: number, w: number) => n.toFixed(0).padStart(w)
  const ratio = (a: number, b: number) => (a / b).toFixed(2)
  for (const nodes of [2, 4]) {
    if (only && Number(only) !== nodes) continue
    // Cold: the base image cache emptied first (the first lab on a host); warm: every further lab and retry.
    rmSync(join(images, BASE_IMAGE_DIR), { recursive: true, force: true })
    const cold = await stacklab(uri, images, repo, work, `bc${nodes}`, nodes)
    const warm = await stacklab(uri, images, repo, work, `bw${nodes}`, nodes)
    const man = await manual(uri, images, repo, work, `bm${nodes}`, nodes)
    rows.push(
      `    ${nodes} | ${fmt(man, 8)} | ${fmt(cold, 15)} | ${fmt(warm, 15)} | ${ratio(cold, man).padStart(11)} | ${ratio(warm, man)}`,
    )
  }
  console.log('\nLab creation until every node answers SSH (software emulation, 2 cores)')
  for (const r of rows) console.log(r)
}

async function outside() {
  const bed = await startLabBed('bench')
  try {
    const [cmd, ...args] = bed.inside([
      'npx',
      'tsx',
      'bench/lab-create.ts',
      '--inside',
      ...process.argv.slice(2),
    ])
    const r = spawnSync(cmd!, args, { stdio: 'inherit', env: { ...process.env, ...bed.env } })
    process.exitCode = r.status ?? 1
  } finally {
    await bed.stop()
  }
}

void (inside ? measure() : outside())
