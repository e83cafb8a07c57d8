// Cinder, the Block Storage service, as seed 004 installs it last: API and scheduler on the controller, and
// cinder-volume with the LVM driver on the controller's second disk (the seed's /dev/sdb; here the lab's
// data disk, found by the serial Stacklab gives it), exported over iSCSI by tgt (Debian's cinder-volume
// ships tgt's include of /var/lib/cinder/volumes).
//
// Decided for a lab: volumes are not zeroed when deleted (volume_clear = none): zeroing a volume writes all
// of it, minutes per GiB under software emulation, and grows the data disk's file on the host by as much.
// They are thin LVs of a pool Cinder makes in the group (lvm_type auto: seen on the lab as
// "cinder-volumes-pool"), where the seed's were thick: a volume takes space only as it is written.
import { DATA_DISK_SERIAL } from '../../lab/provision-node'
import {
  OS,
  STAGE_PACKAGES,
  STAGE_UNITS,
  databaseSql,
  enableUnits,
  ini,
  keystoneService,
  servicesWrong,
  uwsgiIni,
  type PlanContext,
  type Stage,
} from './common'

/** The data disk as the guest sees it: by the serial set in its domain XML. */
export const DATA_DISK_DEVICE = `/dev/disk/by-id/virtio-${DATA_DISK_SERIAL}`
export const CINDER_VG = 'cinder-volumes'
/** The volume the stage's last check makes and deletes. */
const CHECK_VOLUME = 'stacklab-check'
/** How long the first check waits for Cinder's services to report (see the check). */
const CINDER_START_SECONDS = 1800

export function storageStages(x: PlanContext): Stage[] {
  const { secrets, c, ip, authtoken, dbUrl, title, computes } = x
  const cinder: Stage = {
    id: 'cinder',
    title: title('cinder'),
    packages: [
      { node: c, names: STAGE_PACKAGES.cinder.controller },
      ...computes.map((n) => ({ node: n.name, names: STAGE_PACKAGES.cinder.compute })),
    ],
    files: [
      {
        node: c,
        path: '/etc/cinder/cinder.conf',
        owner: 'root:cinder',
        mode: '0640',
        content: ini(
          {
            DEFAULT: {
              my_ip: ip,
              transport_url: `rabbit://openstack:${secrets.rabbit}@${ip}:5672/`,
              auth_strategy: 'keystone',
              enabled_backends: 'lvm',
              glance_api_servers: `http://${ip}:9292`,
              state_path: '/var/lib/cinder',
              log_dir: '/var/log/cinder',
              // the LVM driver's usage figures every 5 minutes, not every minute: each poll is vgs and lvs through
              // cinder-rootwrap, a Python start (seen on the lab: 15 s at 60% of a CPU for one lvs)
              backend_stats_polling_interval: 300,
            },
            database: { connection: dbUrl('cinder') },
            keystone_authtoken: authtoken('cinder', secrets.service.cinder),
            oslo_concurrency: { lock_path: '/var/lib/cinder/tmp' },
            lvm: {
              volume_driver: 'cinder.volume.drivers.lvm.LVMVolumeDriver',
              volume_group: CINDER_VG,
              volume_backend_name: 'lvm',
              target_protocol: 'iscsi',
              target_helper: 'tgtadm',
              volume_clear: 'none',
              // thick LVs, as the install guide's default: "auto" makes a thin pool first, a dozen more LVM
              // calls at cinder-volume's start, each one through cinder-rootwrap (a Python start)
              lvm_type: 'default',
            },
          },
          'Cinder, the Block Storage service (API, scheduler, and the LVM volume backend)',
        ),
        purpose: `Cinder: database, RabbitMQ, Keystone, volumes as LVs of "${CINDER_VG}" exported by tgt`,
      },
      {
        node: c,
        path: '/etc/cinder/cinder-api-uwsgi.ini',
        owner: 'root:root',
        mode: '0644',
        content: uwsgiIni('cinder-api', '/usr/bin/cinder-wsgi', '/var/log/cinder/cinder-api.log', 'cinder', {
          extra: [
            'socket-timeout = 10',
            'http-raw-body = true',
            'chmod-socket = 666',
            'add-header = Connection: close',
            'exit-on-reload = true',
            'wsgi-manage-chunked-input = true',
          ],
        }),
        purpose: 'the Block Storage API on port 8776 (uwsgi), sized for a lab',
      },
    ],
    scripts: [
      {
        node: c,
        script: [
          `# the volume group on the data disk (seed 004: pvcreate /dev/sdb; vgcreate ${CINDER_VG} /dev/sdb)`,
          `disk=$(readlink -f ${DATA_DISK_DEVICE} || true)`,
          'if [ ! -b "$disk" ]; then',
          `  echo "no data disk on this node (${DATA_DISK_DEVICE}): the lab's controller needs one for Cinder"`,
          '  exit 1',
          'fi',
          `if ! vgs ${CINDER_VG} >/dev/null 2>&1; then`,
          "  # only an empty disk: one with a partition table or a file system is someone's data, not Cinder's",
          '  if [ -n "$(wipefs --no-act "$disk")" ]; then',
          '    echo "the data disk $disk is not empty:"; wipefs --no-act "$disk"; exit 1',
          '  fi',
          '  pvcreate "$disk"',
          `  vgcreate ${CINDER_VG} "$disk"`,
          'fi',
          `vgs ${CINDER_VG}`,
          "mysql <<'SQL'",
          databaseSql('cinder', secrets.db.cinder),
          'SQL',
          keystoneService(
            'cinder',
            secrets.service.cinder,
            'volumev3',
            'OpenStack Block Storage',
            `http://${ip}:8776/v3/%(project_id)s`,
          ),
          'install -d -o cinder -g cinder /var/lib/cinder/tmp /var/lib/cinder/volumes',
          'su -s /bin/sh -c "cinder-manage db sync" cinder',
          enableUnits(STAGE_UNITS.cinder.controller),
        ].join('\n'),
      },
      ...computes.map((n) => ({ node: n.name, script: enableUnits(STAGE_UNITS.cinder.compute) })),
    ],
    checks: [
      {
        node: c,
        title: 'volume services are up (openstack volume service list)',
        command: `${OS} volume service list -f json`,
        expect: (out) =>
          servicesWrong(out, 'volume', [{ binary: 'cinder-scheduler' }, { binary: 'cinder-volume' }]),
        // Measured on the lab (2 emulated vCPUs, every service of the cloud already running): cinder-scheduler
        // and cinder-volume wrote their first log line 23 minutes after their units started. The check still
        // passes as soon as both answer.
        waitSeconds: CINDER_START_SECONDS,
      },
      {
        // A volume made, available, deleted: the LVM backend and tgt work end to end.
        node: c,
        title: `a 1 GiB volume becomes available (openstack volume create ${CHECK_VOLUME})`,
        command: [
          `s=$(${OS} volume show ${CHECK_VOLUME} -f value -c status 2>/dev/null) ||`,
          `s=$(${OS} volume create --size 1 ${CHECK_VOLUME} -f value -c status)`,
          // Asked for before cinder-volume has reported its capacity (its service is "up" a minute or more
          // before that under emulation), a volume ends in "error" (No valid backend): ask again.
          `if [ "$s" = error ]; then ${OS} volume delete ${CHECK_VOLUME}; fi`,
          'echo "$s"',
          `if [ "$s" = available ]; then ${OS} volume delete ${CHECK_VOLUME}; fi`,
        ].join('\n'),
        expect: (out) => {
          const status = out.trim().split('\n')[0] ?? ''
          return status === 'available' ? null : `the volume is ${status || 'not made'}`
        },
        waitSeconds: 600,
      },
    ],
    hint: `Cinder logs to /var/log/cinder/ on the controller (cinder-volume.log says why the LVM backend is down; "vgs ${CINDER_VG}" shows the volume group).`,
  }
  return [cinder]
}
