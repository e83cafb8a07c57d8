// The two-node lab the real-OpenStack tests build from the debian-12-openstack template: a controller big
// enough for every service (and Cinder's data disk), a compute node for the instances.
import { defaultLab, type LabDefinitionInput } from '../../src-shared/lab'

export function openstackLab(name: string): LabDefinitionInput {
  const lab = defaultLab(name, 'debian-12-openstack')
  Object.assign(lab.nodes[0]!, { vcpus: 2, memoryMiB: 6144, diskGiB: 8, dataDiskGiB: 4 })
  Object.assign(lab.nodes[1]!, { vcpus: 1, memoryMiB: 2560, diskGiB: 6 })
  return lab
}
