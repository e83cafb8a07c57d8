// Strings of the settings page.
export const settings = {
  en: {
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
  },
  ko: {
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
  },
}
