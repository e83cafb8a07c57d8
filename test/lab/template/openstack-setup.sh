#!/bin/bash
# Runs INSIDE the debian-12-openstack template's root tree while build-openstack.sh builds it (as an
# mmdebstrap customize hook: `chroot "$1" bash ...`, natively, after every package is installed). The
# OpenStack packages are installed but NOT configured; this leaves their services disabled so a booted
# node does not start daemons that fail without a database, and records which units it disabled
# (/usr/lib/stacklab-test/openstack-units) for the installer to enable stage by stage.
set -euo pipefail
export LC_ALL=C

LIST=/usr/lib/stacklab-test/openstack-units
mkdir -p "${LIST%/*}"
: >"$LIST"

# Packages whose units stay off until Stacklab's installer configures them: the explicit OpenStack and
# infrastructure packages plus the daemons they pull in (Open vSwitch, libvirt, iSCSI; neutron-server is
# neutron-api + neutron-rpc-server; the l3 agent brings haproxy, keepalived and radvd; RabbitMQ brings
# epmd from erlang-base; cinder-volume brings rtslib-fb-targetctl).
PKGS=(mariadb-server-core mariadb-server rabbitmq-server erlang-base memcached etcd-server keystone glance-api
  glance-common placement-api nova-api nova-conductor nova-scheduler nova-consoleproxy nova-compute
  neutron-server neutron-api neutron-rpc-server neutron-ovn-metadata-agent neutron-linuxbridge-agent
  neutron-dhcp-agent neutron-l3-agent neutron-metadata-agent haproxy keepalived radvd ovn-central ovn-host
  ovn-common openvswitch-switch openvswitch-common cinder-api cinder-scheduler cinder-volume
  python3-rtslib-fb tgt apache2 libvirt-daemon-system libvirt-daemon open-iscsi)

for pkg in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$' || continue
  while IFS= read -r path; do
    unit=${path##*/}
    case $unit in *@.service | *@.socket) continue ;; esac
    state=$(systemctl is-enabled "$unit" 2>/dev/null || true)
    # Several packages (cinder-*, neutron-*, placement-api) only run update-rc.d: their native unit is not
    # enabled but /etc/rc?.d start links remain; `systemctl disable` removes those too.
    sysv=no
    compgen -G "/etc/rc[2-5].d/S??${unit%.service}" >/dev/null && sysv=yes
    if [ "$state" = enabled ] || [ "$sysv" = yes ]; then
      systemctl disable "$unit" >/dev/null 2>&1 || { echo "could not disable $unit" >&2; exit 1; }
      printf '%s %s\n' "$pkg" "$unit" >>"$LIST"
    fi
  done < <(dpkg -L "$pkg" | grep -E '^/(usr/)?lib/systemd/system/[^/]+\.(service|socket|timer)$' || true)
done

# nova-common's and cinder-common's postinst write `my_ip = <address of the machine that built the
# template>` into nova.conf and cinder.conf (debconf nova/my-ip, cinder/my-ip are guessed from the
# build host). That address means nothing in a lab node: drop it, so both files are the packages'
# pristine defaults again (the commented line of the shipped template comes back) and the installer
# sets the node's own address.
for pair in /etc/nova/nova.conf:/usr/share/nova-common/nova.conf \
  /etc/cinder/cinder.conf:/usr/share/cinder-common/cinder.conf; do
  conf=${pair%%:*} shipped=${pair#*:}
  [ -f "$conf" ] && [ -f "$shipped" ] || continue
  original=$(grep -m1 '^#my_ip = ' "$shipped" || true)
  sed -i "s|^my_ip = .*|${original:-#my_ip =}|" "$conf"
done
printf 'nova-common nova/my-ip string\ncinder-common cinder/my-ip string\n' | debconf-set-selections

echo "[openstack-setup] disabled $(wc -l <"$LIST") units:" >&2
cat "$LIST" >&2
echo "[openstack-setup] still enabled:" >&2
systemctl list-unit-files --state=enabled --no-legend 2>/dev/null | awk '{print "  " $1}' >&2 || true

# Versions of what was installed, for the template's notes and the lab's records.
dpkg-query -W -f='${Package} ${Version}\n' | sort >/usr/lib/stacklab-test/openstack-packages
