// What each guest OS and OpenStack release Stacklab offers means for a learner: end-of-life dates, the end
// of RDO packaging, how each release is networked by default. One place for these facts: the wizard shows
// them (English and Korean catalog entries `lifecycle.<id>`, filled with the fact's date), and
// `stacklab lab default` / `stacklab lab presets` print the English text below.
// Sources (checked for issue #13): rdoproject.org (no RPMs after Epoxy, stated as of August 2026),
// releases.openstack.org (Epoxy unmaintained 2026-10-02), centos.org (Stream 9 ends 2027-05-31, CentOS 7
// end of life 2024-06-30, Stream 8 end of life 2024-05-31).

export type FactId =
  | 'rdo-last-release'
  | 'epoxy-unmaintained'
  | 'stream9-end'
  | 'centos7-eol'
  | 'stream8-eol'
  | 'older-release'
  | 'linuxbridge-era'
  | 'alma9-cloud'
  | 'cloud-image'
  | 'debian-zed'

export interface LifecycleFact {
  id: FactId
  /** The date the fact is about (ISO, or a month), filled into the catalog's `{date}`. */
  date: string
  /** past: it has happened (the choice is archived or unmaintained); future: it will. */
  when: 'past' | 'future' | 'none'
  /** The sentence in English, as the CLI prints it and the English catalog says it. */
  text: string
  source: string
}

export const FACTS: Record<FactId, LifecycleFact> = {
  'rdo-last-release': {
    id: 'rdo-last-release',
    date: '2026-08',
    when: 'past',
    text: 'Epoxy (2025.1) is the last release RDO packages: its site says so as of 2026-08. No newer OpenStack comes to CentOS through packstack.',
    source: 'https://www.rdoproject.org/',
  },
  'epoxy-unmaintained': {
    id: 'epoxy-unmaintained',
    date: '2026-10-02',
    when: 'past',
    text: 'Epoxy became unmaintained upstream on 2026-10-02: OpenStack publishes no more fixes for it.',
    source: 'https://releases.openstack.org/',
  },
  'stream9-end': {
    id: 'stream9-end',
    date: '2027-05-31',
    when: 'future',
    text: 'CentOS Stream 9 ends on 2027-05-31; after that its repositories get no updates.',
    source: 'https://www.centos.org/',
  },
  'centos7-eol': {
    id: 'centos7-eol',
    date: '2024-06-30',
    when: 'past',
    text: 'Archived: CentOS 7 reached end of life on 2024-06-30. Stacklab points its repositories at the archive (vault.centos.org); there are no security fixes.',
    source: 'https://www.centos.org/',
  },
  'stream8-eol': {
    id: 'stream8-eol',
    date: '2024-05-31',
    when: 'past',
    text: 'Archived: CentOS Stream 8 reached end of life on 2024-05-31. Its packages live on only in the archive (vault.centos.org).',
    source: 'https://www.centos.org/',
  },
  'older-release': {
    id: 'older-release',
    date: '2025.1',
    when: 'none',
    text: 'Older than Epoxy (2025.1), the newest release RDO packages: choose it to follow a course written for it.',
    source: 'https://releases.openstack.org/',
  },
  'linuxbridge-era': {
    id: 'linuxbridge-era',
    date: '2025.1',
    when: 'none',
    text: 'An old release: Stacklab sets Open vSwitch networking (VXLAN), as the seeds did; ML2/OVN is the default of current releases, and linuxbridge was removed in 2025.1.',
    source: 'https://docs.openstack.org/neutron/latest/',
  },
  'alma9-cloud': {
    id: 'alma9-cloud',
    date: '2032-05-31',
    when: 'future',
    text: 'AlmaLinux 9 is built from its GenericCloud image (virt-builder has no template for it); it gets security updates until 2032-05-31, and its Extras repository carries the RDO releases (centos-release-openstack-*).',
    source: 'https://wiki.almalinux.org/release-notes/',
  },
  'cloud-image': {
    id: 'cloud-image',
    date: '2022-03',
    when: 'none',
    text: 'A cloud image is the distribution’s own current build (virt-builder’s centosstream-9 template dates from 2022-03): Stacklab downloads it once (an interrupted download resumes), checks its SHA-256, keeps it as a base, and turns off cloud-init on every node.',
    source: 'https://cloud.centos.org/centos/9-stream/x86_64/images/',
  },
  'debian-zed': {
    id: 'debian-zed',
    date: '2028-06-30',
    when: 'future',
    text: 'Debian 12 ships OpenStack Zed (2022.2) in its own archive, no RDO needed. Upstream no longer maintains Zed; Debian patches its packages for Debian 12’s life (long-term support until 2028-06-30).',
    source: 'https://wiki.debian.org/LTS',
  },
}

/** How Neutron is set up for a release: ML2/OVN (geneve) for current releases, Open vSwitch for old ones. */
export type Networking = 'ovn' | 'openvswitch'

export interface ReleaseInfo {
  id: string
  /** OpenStack's version name, e.g. 2025.1. */
  version: string
  networking: Networking
  facts: FactId[]
}

const release = (id: string, version: string, networking: Networking, facts: FactId[]): ReleaseInfo => ({
  id,
  version,
  networking,
  facts,
})

/**
 * Every release a preset offers. OVN for Ussuri and newer (packstack's default since then); the CentOS 7
 * releases keep Open vSwitch, which is what their packstack and the seeds use.
 */
export const RELEASES: Record<string, ReleaseInfo> = Object.fromEntries(
  [
    release('epoxy', '2025.1', 'ovn', ['rdo-last-release', 'epoxy-unmaintained']),
    release('dalmatian', '2024.2', 'ovn', ['older-release']),
    release('caracal', '2024.1', 'ovn', ['older-release']),
    release('yoga', '2022.1', 'ovn', ['older-release']),
    release('xena', '2021.2', 'ovn', ['older-release']),
    release('wallaby', '2021.1', 'ovn', ['older-release']),
    release('victoria', '2020.2', 'ovn', ['older-release']),
    release('ussuri', '2020.1', 'ovn', ['older-release']),
    release('train', '2019.2', 'openvswitch', ['older-release', 'linuxbridge-era']),
    release('stein', '2019.1', 'openvswitch', ['older-release', 'linuxbridge-era']),
    release('rocky', '2018.2', 'openvswitch', ['older-release', 'linuxbridge-era']),
    release('queens', '2018.1', 'openvswitch', ['older-release', 'linuxbridge-era']),
    release('pike', '2017.2', 'openvswitch', ['older-release', 'linuxbridge-era']),
    // Debian 12's own packages (the distribution-packages installer).
    release('zed', '2022.2', 'ovn', ['debian-zed']),
    // The offline test template's packstack double: it speaks OVN, as current packstack does.
    release('test', 'test double', 'ovn', []),
  ].map((r) => [r.id, r]),
)

/** A release's facts; an unknown release has none (the lab schema refuses it anyway). */
export function releaseInfo(id: string): ReleaseInfo | undefined {
  return RELEASES[id]
}

/** The facts as lines of English text (the CLI's comment header and `lab presets`). */
export function factLines(ids: readonly FactId[]): string[] {
  return ids.map((id) => FACTS[id].text)
}
