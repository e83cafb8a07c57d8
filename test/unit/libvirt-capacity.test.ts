// The host capacity readers: `virsh nodeinfo` and `virsh nodememstats` text as libvirt prints it (the QEMU
// driver's and the test driver's), turned into numbers, and nothing made up where a line is missing.
import { describe, expect, it } from 'vitest'
import { parseNodeinfo, parseNodememstats } from '../../src-main/engine/libvirt/capacity'

const QEMU_NODEINFO = `CPU model:           x86_64
CPU(s):              2
CPU frequency:       2445 MHz
CPU socket(s):       1
Core(s) per socket:  2
Thread(s) per core:  1
NUMA cell(s):        1
Memory size:         24558972 KiB
`

const QEMU_MEMSTATS = `total  :             24558972 KiB
free   :              1203456 KiB
buffers:               204800 KiB
cached :             10485760 KiB
`

describe('host capacity parsers', () => {
  it('reads CPUs, CPU model and memory from nodeinfo', () => {
    expect(parseNodeinfo(QEMU_NODEINFO)).toEqual({ cpus: 2, cpuModel: 'x86_64', memoryKiB: 24558972 })
  })

  it('counts free memory as free + buffers + cache (what the kernel could give a new VM)', () => {
    expect(parseNodememstats(QEMU_MEMSTATS)).toBe(1203456 + 204800 + 10485760)
    expect(parseNodememstats('free   :  1024 KiB\n')).toBe(1024)
  })

  it('gives null, not zero, for what the text does not say', () => {
    expect(parseNodeinfo('CPU model: i686\n')).toEqual({ cpus: null, cpuModel: 'i686', memoryKiB: null })
    expect(parseNodeinfo('CPU(s): many\nMemory size: 3 GiB\n')).toMatchObject({ cpus: null, memoryKiB: null })
    expect(parseNodememstats('')).toBeNull()
    expect(parseNodememstats('total  :  24558972 KiB\n')).toBeNull()
  })
})
