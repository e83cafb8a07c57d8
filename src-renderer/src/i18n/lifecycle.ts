// What each guest OS and release means (src-shared/lifecycle.ts), English and Korean: the facts by id,
// filled with the fact's date, and the preset names in the wizard's list. The English entries say what
// src-shared's English text says (a unit test compares them), so the CLI and the wizard agree.
import { catalog } from './catalog'

export const lifecycle = catalog({
  en: {
    'lifecycle.rdo-last-release':
      'Epoxy (2025.1) is the last release RDO packages: its site says so as of {date}. No newer OpenStack comes to CentOS through packstack.',
    'lifecycle.epoxy-unmaintained':
      'Epoxy became unmaintained upstream on {date}: OpenStack publishes no more fixes for it.',
    'lifecycle.stream9-end': 'CentOS Stream 9 ends on {date}; after that its repositories get no updates.',
    'lifecycle.centos7-eol':
      'Archived: CentOS 7 reached end of life on {date}. Stacklab points its repositories at the archive (vault.centos.org); there are no security fixes.',
    'lifecycle.stream8-eol':
      'Archived: CentOS Stream 8 reached end of life on {date}. Its packages live on only in the archive (vault.centos.org).',
    'lifecycle.older-release':
      'Older than Epoxy ({date}), the newest release RDO packages: choose it to follow a course written for it.',
    'lifecycle.linuxbridge-era':
      'An old release: Stacklab sets Open vSwitch networking (VXLAN), as the seeds did; ML2/OVN is the default of current releases, and linuxbridge was removed in {date}.',
    'lifecycle.alma9-cloud':
      'AlmaLinux 9 is built from its GenericCloud image (virt-builder has no template for it); it gets security updates until {date}, and its Extras repository carries the RDO releases (centos-release-openstack-*).',
    'lifecycle.cloud-image':
      'A cloud image is the distribution’s own current build (virt-builder’s centosstream-9 template dates from {date}): Stacklab downloads it once (an interrupted download resumes), checks its SHA-256, keeps it as a base, and turns off cloud-init on every node.',
    'preset.centos-stream-9': 'CentOS Stream 9 (current)',
    'preset.almalinux-9': 'AlmaLinux 9 (current, from its cloud image)',
    'preset.centos-7.9': 'CentOS 7.9 (archived, end of life 2024-06-30)',
    'preset.centos-stream-8': 'CentOS Stream 8 (archived, end of life 2024-05-31)',
    'preset.debian-12-stacklab': 'Debian 12 test template (offline, packstack test double)',
    'preset.debian-12': "Debian 12 (bookworm), OpenStack from Debian's packages",
    'preset.debian-12-openstack': 'Debian 12 test template with OpenStack Zed packages (offline)',
    'lifecycle.debian-zed':
      'Debian 12 ships OpenStack Zed (2022.2) in its own archive, no RDO needed. Upstream no longer maintains Zed; Debian patches its packages for Debian 12’s life (long-term support until {date}).',
    'wizard.release.version': '{release} ({version})',
  },
  ko: {
    'lifecycle.rdo-last-release':
      'Epoxy(2025.1)가 RDO가 패키지를 만드는 마지막 릴리스입니다. RDO 사이트가 {date} 기준으로 그렇게 밝히고 있습니다. 이보다 새로운 OpenStack은 packstack으로 CentOS에 설치할 수 없습니다.',
    'lifecycle.epoxy-unmaintained':
      'Epoxy는 {date}에 업스트림 유지보수가 끝났습니다(unmaintained). OpenStack은 더 이상 수정 사항을 내지 않습니다.',
    'lifecycle.stream9-end':
      'CentOS Stream 9는 {date}에 지원이 끝납니다. 그 뒤로는 저장소에 업데이트가 없습니다.',
    'lifecycle.centos7-eol':
      '보관용(archived): CentOS 7은 {date}에 지원이 끝났습니다(EOL). Stacklab이 저장소를 아카이브(vault.centos.org)로 바꿔 주지만 보안 수정은 없습니다.',
    'lifecycle.stream8-eol':
      '보관용(archived): CentOS Stream 8은 {date}에 지원이 끝났습니다(EOL). 패키지는 아카이브(vault.centos.org)에만 남아 있습니다.',
    'lifecycle.older-release':
      'RDO가 패키지를 만드는 가장 새로운 릴리스인 Epoxy({date})보다 오래된 릴리스입니다. 이 릴리스로 쓰인 교재를 따라 할 때 고르세요.',
    'lifecycle.linuxbridge-era':
      '오래된 릴리스입니다. Stacklab은 시드 문서처럼 Open vSwitch(VXLAN) 네트워킹을 설정합니다. 현재 릴리스의 기본값은 ML2/OVN이며, linuxbridge는 {date}에 제거되었습니다.',
    'lifecycle.alma9-cloud':
      'AlmaLinux 9는 GenericCloud 이미지로 만듭니다(virt-builder에는 템플릿이 없습니다). 보안 업데이트는 {date}까지 나오며, Extras 저장소에 RDO 릴리스(centos-release-openstack-*)가 있습니다.',
    'lifecycle.cloud-image':
      '클라우드 이미지는 배포판이 직접 내는 최신 빌드입니다(virt-builder의 centosstream-9 템플릿은 {date}에 만들어졌습니다). Stacklab은 한 번 내려받고(중단되면 이어받기), SHA-256을 확인해 베이스로 보관하며, 모든 노드에서 cloud-init을 끕니다.',
    'preset.centos-stream-9': 'CentOS Stream 9 (현재 버전)',
    'preset.almalinux-9': 'AlmaLinux 9 (현재 버전, 클라우드 이미지로 만듦)',
    'preset.centos-7.9': 'CentOS 7.9 (보관용, 2024-06-30 지원 종료)',
    'preset.centos-stream-8': 'CentOS Stream 8 (보관용, 2024-05-31 지원 종료)',
    'preset.debian-12-stacklab': 'Debian 12 테스트 템플릿 (오프라인, packstack 테스트 더블)',
    'preset.debian-12': 'Debian 12 (bookworm), Debian 자체 패키지로 설치하는 OpenStack',
    'preset.debian-12-openstack': 'OpenStack Zed 패키지가 든 Debian 12 테스트 템플릿 (오프라인)',
    'lifecycle.debian-zed':
      'Debian 12는 자체 저장소에 OpenStack Zed(2022.2)를 담고 있어 RDO가 필요 없습니다. 업스트림은 Zed 유지보수를 끝냈지만, Debian이 Debian 12 수명 동안 패키지를 고칩니다(장기 지원 {date}까지).',
    'wizard.release.version': '{release} ({version})',
  },
})
