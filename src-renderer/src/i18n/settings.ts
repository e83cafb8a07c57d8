// Strings of the settings page.
import { catalog } from './catalog'

export const settings = catalog({
  en: {
    'settings.subtitle': 'Where Stacklab finds libvirt and keeps its images.',
    'settings.title': 'Settings',
    'settings.loading': 'Loading settings…',
    'settings.uri': 'libvirt connection',
    'settings.uriHelp': 'qemu:///system (default), qemu:///session, or qemu+ssh://user@host/system',
    'settings.imagesDir': 'Images directory',
    'settings.imagesDirPlaceholder': "libvirt's default for the connection",
    'settings.imagesDirHelp': 'Where lab disks are kept. Empty: /var/lib/libvirt/images for qemu:///system.',
    'settings.templateSource': 'Template source',
    'settings.templateSourcePlaceholder': "virt-builder's own repositories",
    'settings.templateSourceHelp':
      'A folder with virt-builder/repos.d/*.conf: a local or classroom mirror of templates, for labs without internet.',
    'settings.templateUnsigned': "The mirror is not signed (skip virt-builder's signature check)",
    'settings.save': 'Save',
    'settings.saved': 'Saved',
    'settings.risksTitle': 'This change makes Stacklab trust more',
    'settings.risksIntro': 'Save only if you made this change yourself and accept each risk:',
    'settings.risk.unsigned-templates': 'Unsigned templates.',
    'settings.riskWhy.unsigned-templates':
      'virt-builder will not check template signatures, so whoever controls the mirror decides what runs in your labs.',
    'settings.risk.template-source': 'A new template source.',
    'settings.riskWhy.template-source':
      'Labs will be built from the templates in this folder, whatever they contain.',
    'settings.risk.remote-connection': 'A remote connection.',
    'settings.riskWhy.remote-connection':
      'Stacklab will connect to a libvirt daemon over the network and manage it with your credentials.',
    'settings.risk.no-host-check': 'No host check.',
    'settings.riskWhy.no-host-check':
      "The connection will not check the other machine's host key or certificate, so another machine could pose as it.",
    'settings.risksYes': 'Accept the risks and save',
    'settings.risksNo': 'Cancel',
    'settings.risksCancelled': 'Not saved',
    'settings.test': 'Test connection',
    'settings.testing': 'Testing…',
    'settings.testOk': 'libvirt answers at this connection.',
    'settings.testFail': 'libvirt does not answer at this connection.',
    'settings.testRisksTitle': 'Testing this connection makes Stacklab trust more',
    'settings.testRisksYes': 'Accept the risks and test',
  },
  ko: {
    'settings.subtitle': 'Stacklab이 libvirt에 연결하는 방법과 이미지를 두는 곳입니다.',
    'settings.title': '설정',
    'settings.loading': '설정을 불러오는 중…',
    'settings.uri': 'libvirt 연결',
    'settings.uriHelp': 'qemu:///system (기본값), qemu:///session, 또는 qemu+ssh://user@host/system',
    'settings.imagesDir': '이미지 디렉터리',
    'settings.imagesDirPlaceholder': '연결의 libvirt 기본 위치',
    'settings.imagesDirHelp':
      '랩 디스크를 보관할 위치입니다. 비워 두면 qemu:///system에서는 /var/lib/libvirt/images를 씁니다.',
    'settings.templateSource': '템플릿 소스',
    'settings.templateSourcePlaceholder': 'virt-builder 기본 저장소',
    'settings.templateSourceHelp':
      'virt-builder/repos.d/*.conf가 있는 폴더: 인터넷 없이 실습할 때 쓰는 로컬 또는 강의실 템플릿 미러입니다.',
    'settings.templateUnsigned': '서명되지 않은 미러입니다 (virt-builder 서명 검사 건너뛰기)',
    'settings.save': '저장',
    'settings.saved': '저장했습니다',
    'settings.risksTitle': '이 변경은 Stacklab이 더 많은 것을 신뢰하게 합니다',
    'settings.risksIntro': '직접 변경했고 아래 위험을 모두 받아들이는 경우에만 저장하세요:',
    'settings.risk.unsigned-templates': '서명되지 않은 템플릿.',
    'settings.riskWhy.unsigned-templates':
      'virt-builder가 템플릿 서명을 검사하지 않으므로, 미러를 관리하는 사람이 랩에서 실행될 내용을 정하게 됩니다.',
    'settings.risk.template-source': '새 템플릿 소스.',
    'settings.riskWhy.template-source':
      '이 폴더에 있는 템플릿으로 랩을 만듭니다. 내용이 무엇이든 그대로 씁니다.',
    'settings.risk.remote-connection': '원격 연결.',
    'settings.riskWhy.remote-connection':
      'Stacklab이 네트워크로 libvirt 데몬에 연결하고 사용자의 자격 증명으로 관리합니다.',
    'settings.risk.no-host-check': '호스트 확인 없음.',
    'settings.riskWhy.no-host-check':
      '연결할 때 상대 머신의 호스트 키나 인증서를 확인하지 않으므로, 다른 머신이 그 머신인 척할 수 있습니다.',
    'settings.risksYes': '위험을 받아들이고 저장',
    'settings.risksNo': '취소',
    'settings.risksCancelled': '저장하지 않았습니다',
    'settings.test': '연결 테스트',
    'settings.testing': '테스트하는 중…',
    'settings.testOk': '이 연결에서 libvirt가 응답합니다.',
    'settings.testFail': '이 연결에서 libvirt가 응답하지 않습니다.',
    'settings.testRisksTitle': '이 연결을 테스트하면 Stacklab이 더 많은 것을 신뢰하게 됩니다',
    'settings.testRisksYes': '위험을 받아들이고 테스트',
  },
})
