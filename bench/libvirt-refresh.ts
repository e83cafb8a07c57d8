// Benchmark: the libvirt engine's cost and speed against the manual way, on a real libvirtd (test driver).
//   npx tsx bench/libvirt-refresh.ts        (needs root: it starts libvirtd in its own namespaces)
// Prints, for 1, 10 and 50 domains:
//   - virsh processes and wall time for one full refresh (every domain's details, every network) by the
//     engine, against the per-VM way (`virsh list --all`, then `dominfo` + `dumpxml` for each VM);
//   - time from a state change (a real `virsh start`/`destroy` run beside the engine) to the engine's event,
//     p50/p95, against polling `virsh domstate` once a second.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { startTestLibvirtd } from '../test/harness/libvirtd'
import { createRun, type Run } from '../src-main/engine/exec'
import { nullLogger } from '../src-main/engine/log'
import { createVirsh } from '../src-main/engine/libvirt/virsh'
import { readAll } from '../src-main/engine/libvirt/refresh'
import { domainDefine } from '../src-main/engine/libvirt/domain'
import { domainXml } from '../src-main/engine/libvirt/domain-xml'
import { LibvirtService } from '../src-main/engine/libvirt/service'
import { EventBus } from '../src-main/engine/events'

const exec = promisify(execFile)
const ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 20)

function counting(run: Run): { run: Run; count: () => number } {
  let n = 0
  return {
    run: (file, args, options) => {
      n++
      return run(file, args, options)
    },
    count: () => n,
  }
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function manualRefresh(uri: string): Promise<number> {
  let processes = 1
  const { stdout } = await exec('virsh', ['-c', uri, 'list', '--all', '--name'])
  for (const name of stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    await exec('virsh', ['-c', uri, 'dominfo', name])
    await exec('virsh', ['-c', uri, 'dumpxml', name])
    processes += 2
  }
  return processes
}

async function main() {
  const daemon = await startTestLibvirtd('bench')
  const uri = daemon.testUri
  const base = createRun(nullLogger)
  const virsh = createVirsh(base, uri)
  try {
    console.log('Full refresh: every domain with details, every network (median of 5 runs)')
    console.log(
      'domains | engine processes | engine ms | per-VM processes | per-VM ms | time ratio (per-VM / engine)',
    )
    let defined = 1 // the test driver's own `test` domain
    for (const target of [1, 10, 50]) {
      while (defined < target) {
        await domainDefine(
          virsh,
          domainXml({
            name: `bench-${defined}`,
            type: 'test',
            vcpus: 1,
            memoryMiB: 256,
            disks: [],
            nics: [{ network: 'default', mac: `52:54:00:00:10:${defined.toString(16).padStart(2, '0')}` }],
          }),
        )
        defined++
      }
      const engineTimes: number[] = []
      const manualTimes: number[] = []
      let engineProcs = 0
      let manualProcs = 0
      for (let i = 0; i < 5; i++) {
        const c = counting(base)
        let t = performance.now()
        const picture = await readAll(createVirsh(c.run, uri))
        engineTimes.push(performance.now() - t)
        engineProcs = c.count()
        if (picture.domains.length !== target)
          throw new Error(`expected ${target} domains, saw ${picture.domains.length}`)
        t = performance.now()
        manualProcs = await manualRefresh(uri)
        manualTimes.push(performance.now() - t)
      }
      const e = pct(engineTimes, 50)
      const m = pct(manualTimes, 50)
      console.log(
        `${String(target).padStart(7)} | ${String(engineProcs).padStart(16)} | ${e.toFixed(0).padStart(9)} | ${String(manualProcs).padStart(16)} | ${m.toFixed(0).padStart(9)} | ${(m / e).toFixed(1)}x`,
      )
    }

    console.log(
      `\nState change → engine event (${ITERATIONS} changes each), against polling domstate every 1 s`,
    )
    const bus = new EventBus()
    const service = new LibvirtService(base, uri, bus, nullLogger)
    let connected = false
    bus.on('libvirt.connection', (c) => (connected = c.state === 'connected'))
    service.start()
    while (!connected) await new Promise((r) => setTimeout(r, 20))
    await service.resync()
    const eventLatency: number[] = []
    for (let i = 0; i < ITERATIONS; i++) {
      const want = i % 2 === 0 ? 'shutoff' : 'running'
      const seen = new Promise<number>((resolve) => {
        const off = bus.on('libvirt.domain', (e) => {
          if (e.domain.name === 'test' && e.domain.state === want) {
            off()
            resolve(performance.now())
          }
        })
      })
      const t0 = performance.now()
      await exec('virsh', ['-c', uri, want === 'shutoff' ? 'destroy' : 'start', 'test'])
      eventLatency.push((await seen) - t0)
    }
    await service.stop()

    const pollLatency: number[] = []
    for (let i = 0; i < ITERATIONS; i++) {
      const want = i % 2 === 0 ? 'shut off' : 'running'
      // A poller that checks once a second sees a change at a random point of its cycle.
      const phase = Math.random() * 1000
      await new Promise((r) => setTimeout(r, phase))
      const t0 = performance.now()
      await exec('virsh', ['-c', uri, want === 'shut off' ? 'destroy' : 'start', 'test'])
      let next = t0 + (1000 - phase)
      for (;;) {
        await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())))
        const { stdout } = await exec('virsh', ['-c', uri, 'domstate', 'test'])
        if (stdout.trim() === want) break
        next += 1000
      }
      pollLatency.push(performance.now() - t0)
    }
    console.log('           |   p50 ms |   p95 ms')
    console.log(
      `engine     | ${pct(eventLatency, 50).toFixed(0).padStart(8)} | ${pct(eventLatency, 95).toFixed(0).padStart(8)}   (target: p95 under 300 ms)`,
    )
    console.log(
      `poll 1 s   | ${pct(pollLatency, 50).toFixed(0).padStart(8)} | ${pct(pollLatency, 95).toFixed(0).padStart(8)}`,
    )
    console.log(`ratio p95 (poll / engine): ${(pct(pollLatency, 95) / pct(eventLatency, 95)).toFixed(1)}x`)
  } finally {
    await daemon.stop()
  }
}

void main()
