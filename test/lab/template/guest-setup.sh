#!/bin/bash
# Runs INSIDE the Stacklab offline test template while build.sh builds it (virt-customize --run-command
# 'bash ...', so the guest root is / and the template disk is /dev/sda in the libguestfs appliance). It turns the
# mmdebstrap tree into a bootable lab node: fstab, GRUB on the serial console with eth0/eth1 names,
# a serial getty, key-only root SSH, no identity baked in (machine-id, SSH host keys), a DHCP default
# for eth0, and the test doubles (packstack, openstack, openstack-service, nova-manage) in /usr/bin.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

DISK=/dev/sda
PART=${DISK}1
HOSTNAME_PLACEHOLDER=stacklab-node

# ---- root file system
uuid=$(blkid -s UUID -o value "$PART")
printf 'UUID=%s / ext4 errors=remount-ro 0 1\n' "$uuid" >/etc/fstab

# ---- boot loader: serial console, classic NIC names (eth0, eth1)
cat >/etc/default/grub <<'EOF'
GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR="Debian"
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=ttyS0,115200n8 net.ifnames=0"
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --speed=115200 --unit=0 --word=8 --parity=no --stop=1"
GRUB_DISABLE_OS_PROBER=true
EOF
grub-install --target=i386-pc "$DISK"
update-grub

# ---- login on the serial console
mkdir -p /etc/systemd/system/getty.target.wants
ln -sf /lib/systemd/system/serial-getty@.service /etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service

# ---- SSH: root with keys only; no host keys in the template (the product generates them per VM).
# A fallback unit creates them at boot when nothing else did, so ssh.service can always start.
mkdir -p /etc/ssh/sshd_config.d /root/.ssh
chmod 700 /root/.ssh
cat >/etc/ssh/sshd_config.d/stacklab.conf <<'EOF'
# Stacklab lab node: root logs in with keys only.
PermitRootLogin prohibit-password
EOF
rm -f /etc/ssh/ssh_host_*
cat >/etc/systemd/system/stacklab-ssh-hostkeys.service <<'EOF'
[Unit]
Description=Generate SSH host keys when the image has none (Stacklab template)
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
EOF
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf /etc/systemd/system/stacklab-ssh-hostkeys.service /etc/systemd/system/multi-user.target.wants/stacklab-ssh-hostkeys.service

# ---- no identity baked in
: >/etc/machine-id
rm -f /var/lib/dbus/machine-id
printf '%s\n' "$HOSTNAME_PLACEHOLDER" >/etc/hostname
cat >/etc/hosts <<EOF
127.0.0.1	localhost
127.0.1.1	$HOSTNAME_PLACEHOLDER

::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
EOF
: >/etc/resolv.conf

# ---- network: DHCP on eth0 by default (the product writes static addresses here)
mkdir -p /etc/network/interfaces.d
cat >/etc/network/interfaces <<'EOF'
# Stacklab template default; Stacklab replaces this file with the node's static addresses.
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback

allow-hotplug eth0
iface eth0 inet dhcp
EOF

# ---- quiet, fast boots under software emulation: no first-boot prompts, no periodic jobs
for unit in systemd-firstboot.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
  e2scrub_reap.service fstrim.timer; do
  ln -sf /dev/null "/etc/systemd/system/$unit"
done

# ---- the test doubles (copied in by build.sh to /usr/lib/stacklab-test/doubles)
SRC=/usr/lib/stacklab-test/doubles
install -m 0755 "$SRC/packstack" /usr/bin/packstack
install -m 0755 "$SRC/openstack" /usr/bin/openstack
install -m 0755 "$SRC/openstack-service" /usr/bin/openstack-service
install -m 0755 "$SRC/nova-manage" /usr/bin/nova-manage
install -m 0644 "$SRC/doubles-lib.sh" /usr/lib/stacklab-test/doubles-lib.sh
install -m 0644 "$SRC/packstack-params.txt" /usr/lib/stacklab-test/packstack-params.txt
rm -rf "$SRC"
mkdir -p /etc/stacklab-test /var/lib/stacklab-test
# The nova user (openstack-nova-common makes it on EL) runs `nova-manage cell_v2 discover_hosts`; the
# nova-manage double keeps its host mappings in a folder that user owns.
useradd --system --home-dir /var/lib/nova --no-create-home --shell /sbin/nologin nova
install -d -o nova -g nova -m 0755 /var/lib/stacklab-test/nova
cat >/etc/stacklab-test/README <<'EOF'
This node carries TEST DOUBLES of packstack, openstack, openstack-service and nova-manage (Stacklab
offline tests).
Switches read from this directory:
  packstack-fail-at       step title or manifest file name at which packstack fails (line 2: error text)
  packstack-step-seconds  seconds per packstack step (default 0.3)
  services-down           binaries (e.g. nova-compute) reported down by openstack / openstack-service
EOF

# ---- leave no caches behind
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/*.log /var/log/apt/* /tmp/* /var/tmp/*
