#!/bin/bash
# Builds Stacklab's second offline test template, debian-12-openstack: Debian 12 (bookworm) with the
# distribution's OpenStack (Zed) and its infrastructure INSTALLED BUT NOT CONFIGURED, so the
# "distribution packages" installer's config files, database migrations and service starts all run for
# real inside lab guests. Published as its own local virt-builder repository (a separate script, hash and
# cache folder, so build.sh's recipe hash -- and CI's cache of the first template -- stay unchanged).
#
#   REPO=$(bash test/lab/template/build-openstack.sh)     # last stdout line: the repository directory
#   VIRT_BUILDER_DIRS=$REPO virt-builder --list --no-check-signature
#   VIRT_BUILDER_DIRS=$REPO_FIRST:$REPO ...                # both templates in one virt-builder
#
# Output: ${STACKLAB_TEMPLATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stacklab-test/templates}/openstack-<hash>/
#   index, debian-12-openstack.xz, virt-builder/repos.d/stacklab-test-openstack.conf, .complete (last)
# The recipe hash covers this script, openstack-preseed.txt, openstack-setup.sh and guest-setup.sh (whose
# node part -- everything but the test doubles -- is reused). No test doubles in this template: it has
# the real python3-openstackclient. Needs root, mmdebstrap, libguestfs-tools, xz and Debian's archive.
# Optional: STACKLAB_DEBIAN_MIRROR (a Debian mirror URL for mmdebstrap).
set -euo pipefail
export LC_ALL=C
export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=force_tcg

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEMPLATE=debian-12-openstack
# Free space left in the root file system on top of what the packages take, in MiB.
FREE_MIB=1536
BASE=systemd-sysv,udev,kmod,dbus,openssh-server,linux-image-cloud-amd64,grub-pc,ifupdown,isc-dhcp-client,iproute2,procps,iputils-ping,netbase
# Seed 004's manual install, as Debian 12 names it. nova-novncproxy is nova-consoleproxy in Debian;
# etcd is etcd-server; neutron keeps both ML2/OVN (ovn-*, neutron-ovn-metadata-agent) and linuxbridge.
OPENSTACK=mariadb-server,python3-pymysql,rabbitmq-server,memcached,python3-memcache,etcd-server
OPENSTACK+=,keystone,glance,placement-api,python3-openstackclient
# nova-compute-kvm, not -qemu: -qemu depends on every QEMU architecture; the two differ only in
# nova-compute.conf's virt_type, which the installer writes (qemu: software emulation in the lab).
OPENSTACK+=,nova-api,nova-conductor,nova-scheduler,nova-consoleproxy,nova-compute,nova-compute-kvm
OPENSTACK+=,qemu-system-x86,libvirt-daemon-system
OPENSTACK+=,neutron-server,neutron-ovn-metadata-agent,ovn-central,ovn-host,openvswitch-switch
OPENSTACK+=,neutron-linuxbridge-agent,neutron-dhcp-agent,neutron-l3-agent,neutron-metadata-agent
OPENSTACK+=,cinder-api,cinder-scheduler,cinder-volume,lvm2,tgt
OPENSTACK+=,openstack-dashboard,openstack-dashboard-apache,apache2,libapache2-mod-wsgi-py3
# The tests' instance image is made offline inside the lab from this guest's kernel and a busybox
# initramfs (CirrOS cannot be downloaded here).
OPENSTACK+=,busybox-static,cpio

say() { printf '[template-openstack] %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- recipe hash and cache location
RECIPE_FILES=(build-openstack.sh openstack-preseed.txt openstack-setup.sh guest-setup.sh)
HASH=$(cd "$HERE" && sha256sum "${RECIPE_FILES[@]}" | sha256sum | cut -c1-16)
CACHE_ROOT=${STACKLAB_TEMPLATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stacklab-test/templates}
REPO=$CACHE_ROOT/openstack-$HASH
mkdir -p "$CACHE_ROOT"

if [ -e "$REPO/.complete" ]; then
  say "reusing $REPO (recipe $HASH)"
  printf '%s\n' "$REPO"
  exit 0
fi

exec 9>"$CACHE_ROOT/.build-openstack.lock"
flock 9
if [ -e "$REPO/.complete" ]; then
  say "reusing $REPO (built meanwhile by another run)"
  printf '%s\n' "$REPO"
  exit 0
fi

for tool in mmdebstrap sfdisk mke2fs virt-customize xz sha512sum; do
  command -v "$tool" >/dev/null || { say "missing tool: $tool"; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/stacklab-template-openstack.XXXXXX")
STAGE=$CACHE_ROOT/.openstack-$HASH.partial.$$
cleanup() {
  local rc=$?
  rm -rf "$WORK" "$STAGE"
  [ "$rc" = 0 ] || say "FAILED (exit $rc); nothing published"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# guest-setup.sh makes a bootable lab node and then installs the first template's test doubles. Reuse the
# node part only: drop the section "# ---- the test doubles" up to the next "# ---- " section. Fail loudly
# if that section is not found, so an edit to guest-setup.sh cannot silently ship doubles here.
awk '/^# ---- the test doubles/ { skip = 1; found = 1; next }
     skip && /^# ---- / { skip = 0 }
     !skip { print }
     END { exit found ? 0 : 1 }' "$HERE/guest-setup.sh" >"$WORK/node-setup.sh" ||
  { say "guest-setup.sh has no '# ---- the test doubles' section"; exit 1; }
if grep -q 'doubles' <(grep -v '^#' "$WORK/node-setup.sh"); then
  say "node part of guest-setup.sh still mentions the doubles"; exit 1
fi

T_ALL=$(now)
say "building $TEMPLATE, recipe $HASH, in $WORK"

# ---- 1. root file system: base + OpenStack, debconf preseeded before anything is configured;
# mmdebstrap keeps daemons from starting while it installs (policy-rc.d, start-stop-daemon).
t=$(now)
say "phase mmdebstrap: Debian 12 minbase + base + OpenStack packages"
mirror_args=()
[ -n "${STACKLAB_DEBIAN_MIRROR:-}" ] && mirror_args=("$STACKLAB_DEBIAN_MIRROR")
mmdebstrap --variant=minbase --include="$BASE,$OPENSTACK" \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --essential-hook="grep -v '^#' '$HERE/openstack-preseed.txt' | chroot \"\$1\" debconf-set-selections" \
  --customize-hook="mkdir -p \"\$1/usr/lib/stacklab-test\"" \
  --customize-hook="cp '$HERE/openstack-setup.sh' \"\$1/tmp/openstack-setup.sh\"" \
  --customize-hook='chroot "$1" bash /tmp/openstack-setup.sh' \
  --customize-hook='rm -f "$1/tmp/openstack-setup.sh"' \
  --customize-hook="cp \"\$1/usr/lib/stacklab-test/openstack-packages\" '$WORK/packages.txt'" \
  bookworm "$WORK/rootfs" ${mirror_args[@]+"${mirror_args[@]}"} 1>&2
TREE_MIB=$(du -sm "$WORK/rootfs" | cut -f1)
say "phase mmdebstrap done in $(elapsed "$t") s ($TREE_MIB MiB tree, $(wc -l <"$WORK/packages.txt") packages)"

# ---- 2. disk image with one MBR partition, made natively: sfdisk writes the table, mke2fs -d fills the
# ext4 file system from the tree at the partition's offset (virt-make-fs did the same in a TCG appliance:
# 630 s against about 20 s).
t=$(now)
PART_MIB=$((TREE_MIB * 110 / 100 + FREE_MIB))
say "phase mkfs: raw disk, MBR, ext4 of $PART_MIB MiB"
truncate -s $(((PART_MIB + 1) * 1048576)) "$WORK/disk.raw"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk --quiet "$WORK/disk.raw" 1>&2
mke2fs -q -t ext4 -L root -d "$WORK/rootfs" -E offset=1048576 "$WORK/disk.raw" "${PART_MIB}M" 1>&2
rm -rf "$WORK/rootfs"
say "phase mkfs done in $(elapsed "$t") s ($(($(stat -c %s "$WORK/disk.raw") / 1048576)) MiB raw)"

# ---- 3. make it a bootable lab node (the node part of guest-setup.sh)
t=$(now)
say "phase virt-customize: boot loader, console, ssh, network"
virt-customize --format raw -a "$WORK/disk.raw" --no-network \
  --upload "$WORK/node-setup.sh:/root/node-setup.sh" \
  --run-command 'bash /root/node-setup.sh' \
  --delete /root/node-setup.sh 1>&2
say "phase virt-customize done in $(elapsed "$t") s"

# ---- 4. publish: compressed image, index, repos.d
t=$(now)
say "phase xz: compressing"
mkdir -p "$STAGE/virt-builder/repos.d"
xz -T2 -1 -c "$WORK/disk.raw" >"$STAGE/$TEMPLATE.xz"
SIZE=$(stat -c %s "$WORK/disk.raw")
COMPRESSED=$(stat -c %s "$STAGE/$TEMPLATE.xz")
SHA512=$(sha512sum "$STAGE/$TEMPLATE.xz" | cut -d' ' -f1)
REVISION=$((16#${HASH:0:7}))
cp "$WORK/packages.txt" "$STAGE/$TEMPLATE.packages"
say "phase xz done in $(elapsed "$t") s ($((COMPRESSED / 1048576)) MiB)"

cat >"$STAGE/index" <<EOF
[$TEMPLATE]
name=Debian 12 (bookworm) with OpenStack Zed packages, not configured (Stacklab test)
osinfo=debian12
arch=x86_64
file=$TEMPLATE.xz
checksum[sha512]=$SHA512
revision=$REVISION
format=raw
size=$SIZE
compressed_size=$COMPRESSED
expand=/dev/sda1
notes=Stacklab's offline OpenStack test template (recipe $HASH), built by
 test/lab/template/build-openstack.sh: the lab node of debian-12-stacklab (serial console,
 eth0 on DHCP, root SSH with keys only, no identity baked in) WITHOUT test doubles, plus Debian's
 OpenStack Zed and its infrastructure installed but not configured (debconf: no dbconfig, no
 endpoint registration). Their services are disabled; the list is in
 /usr/lib/stacklab-test/openstack-units, package versions in /usr/lib/stacklab-test/openstack-packages.
EOF
cat >"$STAGE/virt-builder/repos.d/stacklab-test-openstack.conf" <<EOF
[stacklab-test-openstack]
uri=file://$REPO/index
EOF

# ---- 5. check with the real tool, then publish atomically (.complete last)
t=$(now)
mkdir -p "$WORK/xdg-config" "$WORK/check/virt-builder/repos.d"
sed "s|file://$REPO/|file://$STAGE/|" "$STAGE/virt-builder/repos.d/stacklab-test-openstack.conf" \
  >"$WORK/check/virt-builder/repos.d/stacklab-test-openstack.conf"
listing=$(XDG_CONFIG_HOME=$WORK/xdg-config VIRT_BUILDER_DIRS=$WORK/check virt-builder --list --no-check-signature)
printf '%s\n' "$listing" >&2
printf '%s\n' "$listing" | grep -q "^$TEMPLATE " || { say "virt-builder --list does not show $TEMPLATE"; exit 1; }
say "phase check (virt-builder --list) done in $(elapsed "$t") s"

rm -rf "$REPO"
mv "$STAGE" "$REPO"
: >"$REPO/.complete"
say "published $REPO in $(elapsed "$T_ALL") s total"
printf '%s\n' "$REPO"
