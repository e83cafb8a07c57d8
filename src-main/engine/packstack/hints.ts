// Known causes of packstack failures, each with what it means and a fix. Drawn from real reports (RDO
// workaround pages, blog posts and issue threads about failed packstack runs; see
// test/fixtures/packstack/SOURCES.md) and from packstack's own messages (plugins, modules/puppet.py).
import type { PackstackHint } from '../../../src-shared/packstack'

// Patterns run on lines a guest controls, so each is linear in the line. "A, later on the line B" is
// written `^(?:(?!A).)*A.*B`: anchored, it commits to the first A (if any A has a B after it, the first
// one does), where an unanchored `A.*B` would scan to the end again from every A.
export interface HintRule {
  id: string
  severity: PackstackHint['severity']
  /** Matched against each line of the evidence (error lines, additional information, prompts, step titles). */
  pattern: RegExp
  /** `$1`.. are replaced with the pattern's groups (or `fallback` when the group did not take part). */
  message: string
  fix: string
  fallback?: string
}

export const HINT_RULES: HintRule[] = [
  {
    id: 'network-manager',
    severity: 'warn',
    pattern:
      /NetworkManager is active on (\S+)|systemctl is-enabled NetworkManager|^(?:(?!Checking if NetworkManager).)*Checking if NetworkManager is enabled and running.*\[ ?ERROR ?\]/,
    message:
      'NetworkManager is running on a node; packstack (Open vSwitch bridges, neutron) expects the classic network service.',
    fix: 'On every node: systemctl disable --now NetworkManager && systemctl enable --now network (on CentOS 8 install network-scripts first), then run packstack again with the same answer file.',
  },
  {
    id: 'selinux',
    severity: 'error',
    pattern: /avc: +denied|SELinux is preventing|setenforce: |^(?:(?!selinux).)*selinux.*(denied|enforcing)/i,
    message: 'SELinux denied an action of an OpenStack service.',
    fix: 'Install the policy packages (yum install -y openstack-selinux) or, for a lab, setenforce 0 && sed -i "s/^SELINUX=enforcing/SELINUX=permissive/" /etc/selinux/config on the node; then re-run.',
  },
  {
    id: 'centos7-eol-mirrors',
    severity: 'error',
    pattern:
      /mirrorlist\.centos\.org|Could not retrieve mirrorlist|^(?:(?!vault\.centos\.org).)*vault\.centos\.org.*(404|not found)/i,
    message:
      'The node asks CentOS mirrors that no longer serve this release (CentOS 7 and Stream 8 are end of life).',
    fix: "Point the repositories at the archive on every node: sed -i -e 's/^mirrorlist/#mirrorlist/' -e 's|^#\\?baseurl=http://mirror.centos.org|baseurl=http://vault.centos.org|' /etc/yum.repos.d/CentOS-*.repo && yum clean all",
  },
  {
    id: 'repo-unreachable',
    severity: 'error',
    pattern:
      /Cannot find a valid baseurl for repo|Cannot retrieve repository metadata|Could(?: not|n't) resolve host|Failed to download metadata for repo|Curl error \(6\)|Errno 14\]|No more mirrors to try|Error downloading packages/,
    message: 'A node could not reach a package repository (name resolution, network or a dead mirror).',
    fix: 'On the node named in the error: check DNS and the route out (getent hosts mirror.centos.org; curl -I <repo URL>), fix /etc/resolv.conf or the repo file, then yum clean all (dnf clean all) and re-run packstack with the same answer file.',
  },
  {
    id: 'package-install-failed',
    severity: 'error',
    pattern:
      /Execution of '\/usr\/bin\/(?:yum|dnf) -d 0 -e 0 -y (?:install|update) ([^']+)' returned 1|Package (\S+) has not been found in enabled Yum repos/,
    message: 'Installing $1 failed on the node.',
    fallback: '<package>',
    fix: 'Run the same command by hand on the node (yum -y install $1) to see the whole error. Usual causes: the OpenStack repository is missing (yum install -y centos-release-openstack-<release>), EPEL or another repository offers conflicting packages (disable it), or a mirror is unreachable.',
  },
  {
    id: 'facter-leatherman',
    severity: 'error',
    pattern: /leatherman_curl|facter: error while loading shared libraries/,
    message:
      'facter cannot start: a newer leatherman library (usually from EPEL) replaced the one facter needs.',
    fix: 'On the node: yum downgrade -y leatherman (and disable EPEL: yum-config-manager --disable epel), then re-run packstack.',
  },
  {
    id: 'ssh-password-prompt',
    severity: 'warn',
    pattern: /(?<!\S)([^\s@]+@\S+)'s password:|Permission denied \(publickey/,
    message: "packstack's ssh to a node was not let in with a key and asked for root's password.",
    fix: 'Install the key first: ssh-copy-id -i ~/.ssh/id_rsa.pub root@<node> for every node (Stacklab installs its lab key on lab nodes), or set CONFIG_SSH_KEY to a public key the nodes already accept.',
  },
  {
    id: 'ssh-unreachable',
    severity: 'error',
    pattern:
      /ssh: connect to host (\S+) port \d+: (?:Connection refused|No route to host|Connection timed out)|Connection closed by (\S+) port 22|Host key verification failed|could not connect to the ssh server/i,
    message: 'packstack could not open an ssh session to a node.',
    fix: 'Check that the node is up and sshd runs (ssh root@<node> true from the controller); with many hosts raise MaxStartups in /etc/ssh/sshd_config; then re-run.',
  },
  {
    id: 'answer-file-outdated',
    severity: 'error',
    pattern:
      /Could not find data item (CONFIG_\w+) in any Hiera data file|Deprecated parameter has been used in answer file|unexpected answerfile options/,
    message: 'The answer file does not match this packstack version ($1).',
    fallback: 'parameters were renamed or added',
    fix: 'Generate a fresh answer file with this packstack (packstack --gen-answer-file=new.txt), carry your values over, and run with it.',
  },
  {
    id: 'puppet-dependency',
    severity: 'error',
    pattern:
      /Could not find dependency|Could not find resource|Duplicate declaration|Could not find class|Unknown function|Could not autoload/,
    message: "packstack's Puppet modules and packstack itself come from different releases.",
    fix: 'Install both from the same release repository: yum update -y openstack-packstack openstack-packstack-puppet openstack-puppet-modules (or dnf), then re-run with the same answer file.',
  },
  {
    id: 'puppet-prefetch',
    severity: 'error',
    pattern: /Could not prefetch (\S+) provider/,
    message:
      'Puppet could not query an OpenStack service ($1) that this run set up: its API did not answer or refused the credentials.',
    fix: 'On the controller: source ~/keystonerc_admin and run the openstack command from the error by hand; read the service log under /var/log/<service>/; then re-run packstack with the same answer file.',
  },
  {
    id: 'keystone-auth',
    severity: 'error',
    pattern:
      /Could not authenticate|The request you have made requires authentication|\(HTTP 401\)|Failed to discover available identity versions/,
    message: 'Keystone rejected the admin credentials or did not answer.',
    fix: 'Re-use the answer file of the first attempt (a new one changes CONFIG_KEYSTONE_ADMIN_PW), check that httpd (keystone) runs on the controller (systemctl status httpd), then re-run.',
  },
  {
    id: 'api-unreachable',
    severity: 'error',
    pattern:
      /Unable to establish connection to (https?:\/\/[^\s:/]+:\d+)|Max retries exceeded|\[Errno 111\] Connection refused/,
    message: 'An OpenStack API ($1) was not listening when Puppet called it.',
    fallback: 'named in the error',
    fix: 'On the controller, find the service behind that port (ss -ltnp), look at its log under /var/log/ and journalctl, start it, then re-run packstack.',
  },
  {
    id: 'mariadb-password-validation',
    severity: 'error',
    pattern: /strict-password|cracklib_password_check/,
    message: 'MariaDB runs with a password-strength plugin that refuses the passwords packstack sets.',
    fix: 'On the controller: mv /etc/my.cnf.d/cracklib_password_check.cnf /root/ && systemctl restart mariadb, then re-run with the same answer file.',
  },
  {
    id: 'mariadb',
    severity: 'error',
    pattern:
      /^(?:(?!mysqladmin ).)*mysqladmin .* returned|Mysql::Server|Service\[(?:mysqld|mariadb)\]|Can't connect to local MySQL server|Access denied for user 'root'@'localhost'|_mariadb\.pp|ERROR \d{4} \(\w+\)/,
    message: 'The MariaDB database on the controller failed to start or refused packstack.',
    fix: 'On the controller: systemctl status mariadb; journalctl -u mariadb. A root password left by an earlier attempt is the usual cause: re-run with the answer file of the first attempt, or remove MariaDB completely (yum remove -y mariadb-server; rm -rf /var/lib/mysql) and run again.',
  },
  {
    id: 'rabbitmq-hostname',
    severity: 'error',
    pattern: /rabbitmq|epmd|nodedown|erlang/i,
    message:
      'RabbitMQ (Erlang) failed; it needs the host name to resolve to the node itself (`hostname -f` must match /etc/hosts).',
    fix: 'On the controller: add "<ip> <fqdn> <short name>" for the node to /etc/hosts so that hostname -f and getent hosts $(hostname -f) agree, then systemctl restart rabbitmq-server and re-run.',
  },
  {
    id: 'service-start-failed',
    severity: 'error',
    // Anchored so the unit's name is taken even when "change from stopped..." comes first on the line.
    pattern:
      /^(?:(?!Systemd start for ).)*Systemd start for (\S+?) failed|change from '?stopped'? to '?running'? failed/,
    message: 'The service $1 did not start on the node.',
    fallback: '<unit>',
    fix: 'On the node: systemctl status $1 and journalctl -u $1 -n 50 show why; fix that and re-run packstack.',
  },
  {
    id: 'ntp-unreachable',
    severity: 'error',
    pattern:
      /ntpdate (\S+)' returned 1|no server suitable for synchronization|^(?:(?!chronyc).)*chronyc.* returned/,
    message: 'The node could not reach the NTP server $1.',
    fallback: 'it was given',
    fix: 'Set CONFIG_NTP_SERVERS to servers the nodes reach (test with chronyc -a "burst 4/4" or ntpdate -q <server>), or leave it empty to skip time setup; then re-run.',
  },
  {
    id: 'ntp-skipped',
    severity: 'info',
    pattern: /Time synchronization installation was skipped/,
    message: 'No NTP servers were configured, so time was not synchronised.',
    fix: 'Set CONFIG_NTP_SERVERS (for example pool.ntp.org) in the answer file; clocks that drift break keystone tokens and RabbitMQ.',
  },
  {
    id: 'out-of-memory',
    severity: 'error',
    pattern: /Cannot allocate memory|Out of memory|oom-kill|Killed process \d+|MemoryError|memory exhausted/i,
    message: 'A node ran out of memory.',
    fix: 'Give the node more memory (an all-in-one controller wants 8 GiB, at least 4 GiB), or install fewer services (CONFIG_SWIFT_INSTALL=n, CONFIG_CEILOMETER_INSTALL=n, CONFIG_AODH_INSTALL=n).',
  },
  {
    id: 'disk-full',
    severity: 'error',
    pattern:
      /No space left on device|Insufficient space in download directory|needs \d+[KM]B on the \S+ filesystem/,
    message: 'A node ran out of disk space.',
    fix: 'Free space on the node (df -h; yum clean all) or give it a bigger disk, then re-run.',
  },
  {
    id: 'command-timeout',
    severity: 'error',
    pattern: /has been running for more than \d+ seconds|Command exceeded timeout/,
    message: 'A command Puppet ran did not finish in time (a slow or overloaded node).',
    fix: 'Give the node more CPUs and memory, or re-run with a longer timeout (packstack --timeout=1200 --answer-file=...).',
  },
  {
    id: 'interrupted',
    severity: 'error',
    pattern: /Keyboard interrupt caught|KeyboardInterrupt/,
    message: 'The run was interrupted.',
    fix: 'Run packstack again with the same answer file; it carries on where Puppet stopped.',
  },
  {
    id: 'kernel-update-reboot',
    severity: 'info',
    pattern: /Because of the kernel update the host (\S+) requires reboot/,
    message: 'A new kernel was installed on $1.',
    fix: 'Reboot $1 when convenient so it runs the updated kernel.',
  },
]

export function fillGroups(template: string, match: RegExpMatchArray, fallback = '<it>'): string {
  const groups = match.slice(1).filter((g): g is string => g !== undefined)
  return template.replace(/\$(\d)/g, (_, n: string) => groups[Number(n) - 1] ?? fallback)
}

/** Every rule that matches one of the lines, once, in table order, with the first line that matched. */
export function matchHints(lines: readonly string[]): PackstackHint[] {
  const hints: PackstackHint[] = []
  for (const rule of HINT_RULES) {
    for (const line of lines) {
      const m = line.match(rule.pattern)
      if (!m) continue
      hints.push({
        id: rule.id,
        severity: rule.severity,
        message: fillGroups(rule.message, m, rule.fallback),
        fix: fillGroups(rule.fix, m, rule.fallback),
        evidence: line.length > 300 ? `${line.slice(0, 297)}...` : line,
      })
      break
    }
  }
  return hints
}
