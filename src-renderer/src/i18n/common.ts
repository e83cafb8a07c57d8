// Strings of the app shell shared by every page.
import { catalog } from './catalog'

export const common = catalog({
  en: {
    'app.name': 'Stacklab',
    'nav.label': 'Main',
    'nav.topology': 'Topology',
    'nav.networks': 'Networks',
    'nav.preflight': 'Preflight',
    'nav.settings': 'Settings',
    'lang.label': 'Language',
    'lang.en': 'English',
    'lang.ko': '한국어',
    'connection.connecting': 'Connecting to the Stacklab engine…',
    'connection.lost': 'Lost the connection to the Stacklab engine; reconnecting…',
    'nav.skip': 'Skip to content',
    'common.yes': 'Yes',
    'common.no': 'No',
  },
  ko: {
    'app.name': 'Stacklab',
    'nav.label': '주 메뉴',
    'nav.topology': '토폴로지',
    'nav.networks': '네트워크',
    'nav.preflight': '사전 점검',
    'nav.settings': '설정',
    'lang.label': '언어',
    'lang.en': 'English',
    'lang.ko': '한국어',
    'connection.connecting': 'Stacklab 엔진에 연결하는 중…',
    'connection.lost': 'Stacklab 엔진과의 연결이 끊어졌습니다. 다시 연결하는 중…',
    'nav.skip': '본문으로 건너뛰기',
    'common.yes': '예',
    'common.no': '아니요',
  },
})
