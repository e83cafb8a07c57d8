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
  /** Ids of rules that say the same more precisely: when one of them matched, this rule is left out. */
  supersededBy?: string[]
}

export const HINT_RULES: HintRule[] = [
  {
    id: 'network-manager',
    severity: 'warn',
    pattern:
      /NetworkManager is active on (\S+)|systemctl is-enabled NetworkManager|^(?:(?!Checking if NetworkManager).)*Checking if NetworkManager is enabled and running.*\[ ?ERROR ?\]/,
    message:
      'NetworkManager is running on a node; packstack of EL7 releases (Open vSwitch bridges, neutron) expects the classic network service.',
    fix: 'On EL7 nodes: systemctl disable --now NetworkManager && systemctl enable --now network, then run packstack again with the same answer file. On EL8 and EL9 keep NetworkManager (EL9 has no network service; packstack only warns there): look for the real error further down.',
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
    // Evidence of the retired mirror network only: a 404 from vault itself is a wrong path (repo-404).
    pattern: /mirrorlist\.centos\.org|Could not retrieve mirrorlist/i,
    message:
      'The node asks CentOS mirrors that no longer serve this release (CentOS 7 and Stream 8 are end of life).',
    fix: "Point the repositories at the archive on every node: sed -i -e 's/^mirrorlist/#mirrorlist/' -e 's|^#\\?baseurl=http://mirror.centos.org|baseurl=http://vault.centos.org|' /etc/yum.repos.d/CentOS-*.repo && yum clean all",
  },
  {
    id: 'repo-404',
    severity: 'error',
    pattern: /HTTPS? Error 404|Status code: 404 for|\b404 Not Found|returned error: 404/,
    message:
      'A repository answered 404: the release or the path in a repo file does not exist there (an archived release, a wrong $releasever, a repo file meant for another OS).',
    fix: 'Open the URL from the error in a browser or with curl -I; point the repo file at a path that exists (vault.centos.org keeps archived CentOS releases; centos-release-openstack-<release> must match the OS), then dnf clean all (yum clean all) and re-run packstack with the same answer file.',
  },
  {
    id: 'repo-unreachable',
    severity: 'error',
    pattern:
      /Cannot find a valid baseurl for repo|Cannot retrieve repository metadata|Could(?: not|n't) resolve host|Failed to download metadata for repo|Curl error \(6\)|Errno 14\]|No more mirrors to try|Error downloading packages/,
    // "No more mirrors to try" and "[Errno 14]" follow a 404 as well: then repo-404 says it better.
    supersededBy: ['repo-404'],
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
    id: 'epel-conflict',
    severity: 'error',
    pattern: /\((?:[\w-]+-)?epel(?:-[\w-]+)?\)|Requires: erlang|Error: Package: rabbitmq-server/,
    message:
      'Packages from EPEL are mixed with the OpenStack repositories: EPEL builds (Erlang for RabbitMQ, puppet, leatherman) conflict with the ones RDO ships.',
    fix: 'On every node: disable EPEL (dnf config-manager --set-disabled epel epel-next, or yum-config-manager --disable epel, or dnf remove -y epel-release), dnf clean all, and let centos-release-openstack-<release> provide RabbitMQ and Erlang (its messaging repository); then re-run packstack. packstack itself stopped using EPEL for this reason.',
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
    id: 'hiera-key-missing',
    severity: 'error',
    pattern:
      /Could not find data item (?!CONFIG_)(\w+) in any Hiera data file|did not find a value for the name '(?!CONFIG_)(\w+)'/,
    message:
      "Puppet looked up $1 in packstack's hiera data and it is not there: the manifests come from another packstack version than the one that wrote the data.",
    fix: 'Install packstack and its Puppet modules from one release (dnf update -y openstack-packstack openstack-packstack-puppet openstack-puppet-modules), generate a new answer file with that packstack (packstack --gen-answer-file=new.txt), carry your values over, and run with it.',
  },
  {
    id: 'puppet-invalid-parameter',
    severity: 'error',
    pattern: /Invalid parameter (\S+) on Class\[([^\]\s]{1,200})\]/,
    message:
      'packstack passes the parameter $1 to the Puppet class $2, which does not have it: packstack and its Puppet modules come from different releases.',
    fix: 'Install packstack and the modules from the same release repository: dnf update -y openstack-packstack openstack-packstack-puppet openstack-puppet-modules (rpm -q them: the versions must belong to one release), then re-run with the same answer file.',
  },
  {
    id: 'puppet-dependency',
    severity: 'error',
    pattern:
      /Could not find dependency|Could not find resource|Duplicate declaration|Could not find class|Unknown function|Could not autoload|has no parameter named/,
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
    id: 'mariadb-module',
    severity: 'error',
    pattern: /^(?:(?!mariadb|galera).)*(?:mariadb|galera).*modular/i,
    message:
      'A dnf module stream hides or breaks the MariaDB packages RDO needs (on EL9 the mariadb:10.11 stream is broken for RDO, RDO-241).',
    fix: "On the controller: dnf module reset -y mariadb && dnf module disable -y mariadb && dnf clean all, then re-run packstack with the same answer file (packstack's own CI on CentOS Stream 9 does this).",
  },
  {
    id: 'mariadb',
    severity: 'error',
    // Only what MariaDB, its client or Puppet's mysql module said: the name of a failed manifest
    // (..._mariadb.pp) is no evidence, anything can fail inside it.
    pattern:
      /^(?:(?!mysqladmin ).)*mysqladmin .* returned|Mysql::Server|Service\[(?:mysqld|mariadb)\]|Can't connect to local MySQL server|Access denied for user 'root'@'localhost'|ERROR \d{4} \(\w+\)|\/modules\/mysql\/manifests\//,
    message: 'The MariaDB database on the controller failed to start or refused packstack.',
    fix: 'On the controller: systemctl status mariadb; journalctl -u mariadb. A root password left by an earlier attempt is the usual cause: re-run with the answer file of the first attempt, or remove MariaDB completely (yum remove -y mariadb-server; rm -rf /var/lib/mysql) and run again.',
  },
  {
    id: 'rabbitmq-hostname',
    severity: 'error',
    // What a RabbitMQ node that failed to start says; a package named rabbitmq-server or erlang is no
    // evidence (a dependency error is epel-conflict).
    pattern:
      /nodedown|epmd|unable to connect to node|Could not start Service\[rabbitmq-server\]|Systemd start for rabbitmq-server failed|^(?:(?!rabbitmqctl).)*rabbitmqctl.* returned [1-9]/,
    message:
      'RabbitMQ (Erlang) failed; it needs the host name to resolve to the node itself (`hostname -f` must match /etc/hosts).',
    fix: 'On the controller: add "<ip> <fqdn> <short name>" for the node to /etc/hosts so that hostname -f and getent hosts $(hostname -f) agree, then systemctl restart rabbitmq-server and re-run.',
  },
  {
    id: 'service-start-failed',
    severity: 'error',
    // Anchored so the unit's name is taken even when "change from stopped..." comes first on the line.
    pattern:
      /^(?:(?!Systemd start for ).)*Systemd start for (\S+?) failed|change from '?stopped'? to '?running'? failed|Could not start Service\[([^\]\s]{1,200})\]/,
    message: 'The service $1 did not start on the node.',
    fallback: '<unit>',
    fix: 'On the node: systemctl status $1 and journalctl -u $1 -n 50 show why; fix that and re-run packstack.',
  },
  {
    id: 'network-service',
    severity: 'error',
    pattern:
      /Job for network\.service failed|Unit network\.service (?:not found|could not be found|failed to load)|Failed to (?:re)?start network\.service/,
    message:
      'The classic network service failed on the node, or it does not exist (EL8 needs network-scripts for it, EL9 has none).',
    fix: 'On EL7: journalctl -u network shows why; check /etc/sysconfig/network-scripts/ifcfg-* (DEVICE and HWADDR of the real NIC, one address each) and systemctl restart network. On EL8/EL9 leave the interfaces to NetworkManager (nmcli connection show) and do not enable network.service.',
  },
  {
    id: 'unit-not-loaded',
    severity: 'error',
    pattern: /Unit (?!network\.service)(\S+?)\.service (?:failed to load|not found|could not be found)/,
    message:
      'The systemd unit $1 does not exist on the node: the package that provides it was not installed (an earlier step failed), or the name is from another release.',
    fix: 'On the node: systemctl list-unit-files "$1*" and dnf provides "*/$1.service" show what is there; fix the earlier error that stopped the installation (or install that package), then re-run packstack.',
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

/**
 * Every rule that matches one of the lines, once, in table order, with the first line that matched. An
 * entry of several lines (a bullet and the lines after it) is matched line by line, so the evidence is
 * the line itself.
 */
export function matchHints(entries: readonly string[]): PackstackHint[] {
  const lines = entries.flatMap((e) => e.split('\n'))
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
  const found = new Set(hints.map((h) => h.id))
  return hints.filter((h) => {
    const rule = HINT_RULES.find((r) => r.id === h.id)
    return !rule?.supersededBy?.some((id) => found.has(id))
  })
}
