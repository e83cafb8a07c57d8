// Engine failures by code (src-shared/failures.ts), English and Korean, filled from the failure's
// parameters. English mode shows the engine's own sentence; these English entries say the same for the
// catalogs' key check. A code with no entry here shows the engine's English message in every language.
import { catalog } from './catalog'

export const failures = catalog({
  en: {
    'failure.validation': 'Invalid input: {issues}',
    'failure.libvirt.not-found': 'Not found: {detail}',
    'failure.libvirt.already-exists': 'Already exists: {detail}',
    'failure.libvirt.permission': 'libvirt refused access: {detail}',
    'failure.libvirt.invalid-state': 'Not possible in this state: {detail}',
    'failure.libvirt.unreachable': 'libvirt could not be reached: {detail}',
    'failure.libvirt.no-driver': 'libvirt has no driver for this connection: {detail}',
    'failure.libvirt.tool-missing': 'virsh is not installed',
    'failure.libvirt.unsupported': 'This connection does not support it: {detail}',
    'failure.exec.not-found': '{program} is not installed',
    'failure.exec.permission': 'Not allowed to run {program}',
    'failure.exec.timeout': '{program} did not finish in time',
    'failure.exec.cancelled': '{program} was cancelled',
    'failure.ssh.unreachable': 'Nothing answers SSH at {host}',
    'failure.ssh.unreachable.fix':
      'Check the node {host} is running and its network is up (the Lab page shows both).',
    'failure.ssh.auth': '{host} refused the lab’s SSH key',
    'failure.ssh.auth.fix':
      "The node {host} refused the lab's SSH key: it may have been changed outside Stacklab.",
    'failure.ssh.timeout': '{host} did not answer SSH in time',
    'failure.ssh.timeout.fix':
      'Check the node {host} is running and its network is up (the Lab page shows both).',
    'failure.ssh.host-key':
      'The SSH host key of {host} is {got}, not the {expected} Stacklab recorded when it built this node. Stacklab refused to connect: the node may have been rebuilt outside Stacklab, or someone is in between.',
    'failure.ssh.host-key.fix':
      'Find out who answers at {host}; if the node was rebuilt outside Stacklab, delete the lab and build it again with Stacklab.',
    'failure.guest.command': '{program} failed (exit {exitCode}): {output}',
    'failure.exec.exit': '{program} failed (exit {exitCode}): {stderr}',
    'failure.libvirt.host-key': 'libvirt refused the SSH host key: {detail}',
    'failure.libvirt.timeout': 'libvirt did not answer in time: {detail}',
    'failure.libvirt.cancelled': 'Cancelled: {detail}',
    'failure.libvirt.other': 'libvirt failed: {detail}',
    'failure.pipeline.step.host-not-ready': 'The host is not ready: {checks}',
    'failure.pipeline.step.network-clash': 'The lab’s networks do not fit the host: {issues}',
    'failure.pipeline.step.foreign-disk':
      '{path} already exists and this lab did not make it: Stacklab never overwrites a file it did not make',
    'failure.pipeline.step.foreign-disk.fix':
      'Move that file elsewhere (or delete it if it is not needed), or give the lab another name, then create it again',
    'failure.pipeline.step.nothing-removed': 'Nothing was removed: {problems}',
    'failure.pipeline.step.disk-too-small':
      '{node}: a {size} GiB disk is smaller than the template {template} ({needed} GiB)',
    'failure.pipeline.step.disk-too-small.fix':
      'Give {node} a disk of at least {needed} GiB in the lab definition, then create it again',
    'failure.pipeline.step.cloud-image': 'The cloud image cannot be used: {problem}',
    'failure.install.answers-misfit': 'The answer file does not fit the lab: {keys}',
    'failure.install.answers-misfit.fix':
      'Fix these keys in the answer file (Install page or the saved file), then install again',
    'failure.install.packstack-failed': 'packstack failed at "{step}" on {host}: {line} (log: {log})',
    'failure.install.packstack-failed.fix':
      'Restore the "{checkpoint}" checkpoint and retry: stacklab install {lab} --retry',
    'failure.install.packstack-unfinished':
      'packstack did not finish at "{step}" on {host}: {line} (log: {log})',
    'failure.install.packstack-unfinished.fix':
      'Restore the "{checkpoint}" checkpoint and retry: stacklab install {lab} --retry',
    'failure.install.discover-failed':
      'nova-manage cell_v2 discover_hosts failed on {controller} after {node} joined: {detail}',
    'failure.install.discover-failed.fix':
      'On {controller}, run su -s /bin/sh -c \'nova-manage cell_v2 discover_hosts --verbose\' nova and read its error; then restore the "{checkpoint}" checkpoint and join again: stacklab install {lab} --retry',
    'failure.install.compute-missing':
      'openstack compute service list shows no nova-compute on {node}: {detail}',
    'failure.install.compute-missing.fix':
      'On {node}: systemctl status openstack-nova-compute and /var/log/nova/nova-compute.log; then restore the "{checkpoint}" checkpoint and join again: stacklab install {lab} --retry',
    'failure.install.compute-down':
      'nova-compute on {node} is not up in openstack compute service list: {detail}',
    'failure.install.stage-failed': 'Stage "{stage}" failed on {node}: {line} (log on the node: {log})',
    'failure.install.stage-failed.fix':
      '{hint} Then retry: stacklab install {lab} --retry (it restores the checkpoint "{checkpoint}" and runs again from there)',
    'failure.install.stage-check-failed': 'Stage "{stage}" ran, but "{check}" on {node} failed: {line}',
    'failure.install.stage-check-failed.fix':
      '{hint} Then retry: stacklab install {lab} --retry (it restores the checkpoint "{checkpoint}" and runs again from there)',
    'failure.install.compute-down.fix':
      'On {node}: systemctl status openstack-nova-compute and /var/log/nova/nova-compute.log; then restore the "{checkpoint}" checkpoint and join again: stacklab install {lab} --retry',
  },
  ko: {
    'failure.validation': '입력이 올바르지 않습니다: {issues}',
    'failure.libvirt.not-found': '찾을 수 없습니다: {detail}',
    'failure.libvirt.already-exists': '이미 있습니다: {detail}',
    'failure.libvirt.permission': 'libvirt가 접근을 거부했습니다: {detail}',
    'failure.libvirt.invalid-state': '지금 상태에서는 할 수 없습니다: {detail}',
    'failure.libvirt.unreachable': 'libvirt에 연결할 수 없습니다: {detail}',
    'failure.libvirt.no-driver': '이 연결에 맞는 libvirt 드라이버가 없습니다: {detail}',
    'failure.libvirt.tool-missing': 'virsh가 설치되어 있지 않습니다',
    'failure.libvirt.unsupported': '이 연결은 이 작업을 지원하지 않습니다: {detail}',
    'failure.exec.not-found': '{program}이(가) 설치되어 있지 않습니다',
    'failure.exec.permission': '{program}을(를) 실행할 권한이 없습니다',
    'failure.exec.timeout': '{program}이(가) 제한 시간 안에 끝나지 않았습니다',
    'failure.exec.cancelled': '{program}이(가) 취소되었습니다',
    'failure.ssh.unreachable': '{host}에서 SSH 응답이 없습니다',
    'failure.ssh.unreachable.fix':
      '노드 {host}이(가) 실행 중이고 네트워크가 켜져 있는지 확인하세요(랩 화면에서 둘 다 볼 수 있습니다).',
    'failure.ssh.auth': '{host}이(가) 랩의 SSH 키를 거부했습니다',
    'failure.ssh.auth.fix':
      '노드 {host}이(가) 랩의 SSH 키를 거부했습니다. Stacklab 밖에서 바뀌었을 수 있습니다.',
    'failure.ssh.timeout': '{host}이(가) 제시간에 SSH에 응답하지 않았습니다',
    'failure.ssh.timeout.fix':
      '노드 {host}이(가) 실행 중이고 네트워크가 켜져 있는지 확인하세요(랩 화면에서 둘 다 볼 수 있습니다).',
    'failure.ssh.host-key':
      '{host}의 SSH 호스트 키가 {got}입니다. Stacklab이 이 노드를 만들 때 기록한 {expected}이(가) 아닙니다. Stacklab은 연결을 거부했습니다: 노드가 Stacklab 밖에서 다시 만들어졌거나, 누군가 중간에 끼어 있을 수 있습니다.',
    'failure.ssh.host-key.fix':
      '{host}에서 누가 응답하는지 확인하세요. 노드를 Stacklab 밖에서 다시 만들었다면 랩을 삭제하고 Stacklab으로 다시 만드세요.',
    'failure.guest.command': '{program} 실패(종료 코드 {exitCode}): {output}',
    'failure.exec.exit': '{program} 실패(종료 코드 {exitCode}): {stderr}',
    'failure.libvirt.host-key': 'libvirt가 SSH 호스트 키를 거부했습니다: {detail}',
    'failure.libvirt.timeout': 'libvirt가 제시간에 응답하지 않았습니다: {detail}',
    'failure.libvirt.cancelled': '취소되었습니다: {detail}',
    'failure.libvirt.other': 'libvirt 작업이 실패했습니다: {detail}',
    'failure.pipeline.step.host-not-ready':
      '호스트가 준비되지 않았습니다. 실패한 검사: {checks} (사전 점검 화면에서 자세히 볼 수 있습니다)',
    'failure.pipeline.step.network-clash': '랩의 네트워크가 호스트와 맞지 않습니다: {issues}',
    'failure.pipeline.step.foreign-disk':
      '{path}이(가) 이미 있고 이 랩이 만든 파일이 아닙니다: Stacklab은 자신이 만들지 않은 파일을 덮어쓰지 않습니다',
    'failure.pipeline.step.foreign-disk.fix':
      '그 파일을 다른 곳으로 옮기거나(필요 없으면 지우거나), 랩 이름을 바꾼 뒤 다시 만드세요',
    'failure.pipeline.step.nothing-removed': '아무것도 지우지 않았습니다: {problems}',
    'failure.pipeline.step.disk-too-small':
      '{node}: {size} GiB 디스크는 템플릿 {template}({needed} GiB)보다 작습니다',
    'failure.pipeline.step.disk-too-small.fix':
      '랩 정의에서 {node}에 {needed} GiB 이상의 디스크를 주고 다시 만드세요',
    'failure.pipeline.step.cloud-image': '클라우드 이미지를 쓸 수 없습니다: {problem}',
    'failure.install.answers-misfit': '응답 파일이 랩과 맞지 않습니다: {keys}',
    'failure.install.answers-misfit.fix':
      '응답 파일(설치 화면 또는 저장된 파일)에서 이 키들을 고친 뒤 다시 설치하세요',
    'failure.install.packstack-failed': 'packstack 실패(단계 "{step}", 호스트 {host}): {line} (로그: {log})',
    'failure.install.packstack-failed.fix':
      '"{checkpoint}" 체크포인트로 되돌린 뒤 다시 시도하세요: stacklab install {lab} --retry',
    'failure.install.packstack-unfinished':
      'packstack이 끝나지 않았습니다(단계 "{step}", 호스트 {host}): {line} (로그: {log})',
    'failure.install.packstack-unfinished.fix':
      '"{checkpoint}" 체크포인트로 되돌린 뒤 다시 시도하세요: stacklab install {lab} --retry',
    'failure.install.discover-failed':
      '{node} 합류 후 {controller}에서 nova-manage cell_v2 discover_hosts가 실패했습니다: {detail}',
    'failure.install.discover-failed.fix':
      '{controller}에서 su -s /bin/sh -c \'nova-manage cell_v2 discover_hosts --verbose\' nova 를 실행해 오류를 확인한 뒤, "{checkpoint}" 체크포인트로 되돌리고 다시 합류시키세요: stacklab install {lab} --retry',
    'failure.install.compute-missing':
      'openstack compute service list에 {node}의 nova-compute가 없습니다: {detail}',
    'failure.install.compute-missing.fix':
      '{node}에서 systemctl status openstack-nova-compute와 /var/log/nova/nova-compute.log를 확인한 뒤, "{checkpoint}" 체크포인트로 되돌리고 다시 합류시키세요: stacklab install {lab} --retry',
    'failure.install.compute-down':
      'openstack compute service list에서 {node}의 nova-compute가 up이 아닙니다: {detail}',
    'failure.install.stage-failed': '{node}에서 단계 "{stage}"가 실패했습니다: {line} (노드의 로그: {log})',
    'failure.install.stage-failed.fix':
      '{hint} 그런 다음 다시 시도하세요: stacklab install {lab} --retry (체크포인트 "{checkpoint}"로 되돌린 뒤 거기서부터 다시 실행합니다)',
    'failure.install.stage-check-failed':
      '단계 "{stage}"는 실행됐지만 {node}에서 "{check}" 확인이 실패했습니다: {line}',
    'failure.install.stage-check-failed.fix':
      '{hint} 그런 다음 다시 시도하세요: stacklab install {lab} --retry (체크포인트 "{checkpoint}"로 되돌린 뒤 거기서부터 다시 실행합니다)',
    'failure.install.compute-down.fix':
      '{node}에서 systemctl status openstack-nova-compute와 /var/log/nova/nova-compute.log를 확인한 뒤, "{checkpoint}" 체크포인트로 되돌리고 다시 합류시키세요: stacklab install {lab} --retry',
  },
})
