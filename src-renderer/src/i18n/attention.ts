// Strings of long work seen from outside the window: the tab title and desktop notifications.
import { catalog } from './catalog'

export const attention = catalog({
  en: {
    'attention.many': '{count} jobs',
    'attention.ended.succeeded': 'Done: {job}',
    'attention.ended.failed': 'Failed: {job}',
    'attention.ended.cancelled': 'Cancelled: {job}',
    'attention.ended.interrupted': 'Interrupted: {job}',
    'attention.enable': 'Notify me when a job ends',
    'attention.enabled': 'You will be notified when a job ends',
    'attention.blocked': 'Notifications are blocked for this page (browser settings)',
  },
  ko: {
    'attention.many': '작업 {count}개',
    'attention.ended.succeeded': '완료: {job}',
    'attention.ended.failed': '실패: {job}',
    'attention.ended.cancelled': '취소됨: {job}',
    'attention.ended.interrupted': '중단됨: {job}',
    'attention.enable': '작업이 끝나면 알림 받기',
    'attention.enabled': '작업이 끝나면 알림을 보냅니다',
    'attention.blocked': '이 페이지의 알림이 차단되어 있습니다(브라우저 설정)',
  },
})
