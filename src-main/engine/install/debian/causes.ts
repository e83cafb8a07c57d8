// What a failed stage's last lines say about the cause, in a sentence the learner can act on. The patterns
// are the real tools' own messages (MariaDB's client, oslo.messaging, systemctl, apt, keystonemiddleware);
// the stage's general hint follows.
const CAUSES: [RegExp, string][] = [
  [
    /ERROR 2002|Can't connect to (local )?(MySQL|MariaDB )?server|mysqld\.sock/i,
    'MariaDB is not answering on the controller: `systemctl status mariadb` there (`systemctl unmask mariadb` if it was masked).',
  ],
  [
    /Access denied for user '?\w+'?@/i,
    "MariaDB refused a service's password: its database user and its config file's connection line differ (a retry writes both again).",
  ],
  [
    /AMQP server on \S+ is unreachable|(ECONNREFUSED|Connection refused)\D*5672/i,
    'RabbitMQ is not answering on port 5672: `systemctl status rabbitmq-server` on the controller.',
  ],
  [
    /failed because a timeout was exceeded/i,
    'A service took longer to start than systemd allows: the node is slow or short of memory (`free -m`, `journalctl -u <unit>` there).',
  ],
  [/No space left on device/i, 'A disk is full: `df -h` on the node; give the node a bigger disk.'],
  [
    /Could not resolve host|Temporary failure resolving|Failed to fetch http/i,
    "The node cannot reach its package source: check the NAT network, or the lab's package proxy or mirror.",
  ],
  [
    /HTTP 401|401 Unauthorized|requires authentication/i,
    "Keystone refused a service's credentials: its keystone_authtoken password differs from Keystone's (a retry writes both again).",
  ],
]

/** The cause the output names, or null when it names none this knows. */
export function failureCause(output: string): string | null {
  for (const [pattern, cause] of CAUSES) if (pattern.test(output)) return cause
  return null
}
