#!/bin/bash
# Builds Stacklab's offline test template -- a small Debian 12 (bookworm) lab node carrying test
# doubles of packstack/openstack/openstack-service -- and publishes it as a local virt-builder
# repository, so the real virt-builder can build lab VMs from it without internet access.
#
#   bash test/lab/template/build.sh            # prints the repository directory as the last stdout line
#   REPO=$(bash test/lab/template/build.sh)
#   VIRT_BUILDER_DIRS=$REPO virt-builder --list --no-check-signature
#
# Output: ${STACKLAB_TEMPLATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stacklab-test/templates}/<recipe-hash>/
#   index                                  virt-builder index (unsigned)
#   debian-12-stacklab.xz                  the raw disk image, xz-compressed
#   virt-builder/repos.d/stacklab-test.conf  [stacklab-test] uri=file://<repo>/index
#   .complete                              written last; a directory without it is rebuilt
# The recipe hash covers this script, guest-setup.sh and doubles/*; an existing complete repository
# for the same hash is reused. Needs root, mmdebstrap, libguestfs-tools, xz and Debian's archive.
# Optional: STACKLAB_DEBIAN_MIRROR (a Debian mirror URL for mmdebstrap).
set -euo pipefail
export LC_ALL=C
export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=force_tcg

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEMPLATE=debian-12-stacklab
DISK_SIZE=3G
PACKAGES=systemd-sysv,udev,kmod,dbus,openssh-server,linux-image-cloud-amd64,grub-pc,ifupdown,isc-dhcp-client,iproute2,procps,iputils-ping,netbase

say() { printf '[template] %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- recipe hash and cache location
RECIPE_FILES=(build.sh guest-setup.sh)
for f in "$HERE"/doubles/*; do RECIPE_FILES+=("doubles/$(basename "$f")"); done
HASH=$(cd "$HERE" && sha256sum "${RECIPE_FILES[@]}" | sha256sum | cut -c1-16)
CACHE_ROOT=${STACKLAB_TEMPLATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stacklab-test/templates}
REPO=$CACHE_ROOT/$HASH
mkdir -p "$CACHE_ROOT"

if [ -e "$REPO/.complete" ]; then
  say "reusing $REPO (recipe $HASH)"
  printf '%s\n' "$REPO"
  exit 0
fi

# One build at a time; a second caller waits and then reuses the result.
exec 9>"$CACHE_ROOT/.build.lock"
flock 9
if [ -e "$REPO/.complete" ]; then
  say "reusing $REPO (built meanwhile by another run)"
  printf '%s\n' "$REPO"
  exit 0
fi

for tool in mmdebstrap virt-make-fs virt-customize xz sha512sum; do
  command -v "$tool" >/dev/null || { say "missing tool: $tool"; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/stacklab-template.XXXXXX")
STAGE=$CACHE_ROOT/.$HASH.partial.$$
cleanup() {
  local rc=$?
  rm -rf "$WORK" "$STAGE"
  [ "$rc" = 0 ] || say "FAILED (exit $rc); nothing published"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

T_ALL=$(now)
say "building $TEMPLATE, recipe $HASH, in $WORK"

# ---- 1. root file system
t=$(now)
say "phase mmdebstrap: Debian 12 minbase + $PACKAGES"
mirror_args=()
[ -n "${STACKLAB_DEBIAN_MIRROR:-}" ] && mirror_args=("$STACKLAB_DEBIAN_MIRROR")
mmdebstrap --variant=minbase --include="$PACKAGES" \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  bookworm "$WORK/rootfs.tar" ${mirror_args[@]+"${mirror_args[@]}"} 1>&2
say "phase mmdebstrap done in $(elapsed "$t") s ($(du -m "$WORK/rootfs.tar" | cut -f1) MiB tar)"

# ---- 2. disk image with one MBR partition
t=$(now)
say "phase virt-make-fs: $DISK_SIZE raw disk, MBR, ext4"
virt-make-fs --partition=mbr --type=ext4 --format=raw --size="$DISK_SIZE" "$WORK/rootfs.tar" "$WORK/disk.raw" 1>&2
rm -f "$WORK/rootfs.tar"
say "phase virt-make-fs done in $(elapsed "$t") s"

# ---- 3. make it a bootable lab node and install the test doubles
t=$(now)
say "phase virt-customize: boot loader, console, ssh, network, test doubles"
virt-customize --format raw -a "$WORK/disk.raw" --no-network \
  --mkdir /usr/lib/stacklab-test \
  --copy-in "$HERE/doubles:/usr/lib/stacklab-test" \
  --upload "$HERE/guest-setup.sh:/usr/lib/stacklab-test/guest-setup.sh" \
  --run-command 'bash /usr/lib/stacklab-test/guest-setup.sh' \
  --delete /usr/lib/stacklab-test/guest-setup.sh 1>&2
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
say "phase xz done in $(elapsed "$t") s ($((COMPRESSED / 1048576)) MiB)"

cat >"$STAGE/index" <<EOF
[$TEMPLATE]
name=Debian 12 (bookworm) Stacklab offline test node
osinfo=debian12
arch=x86_64
file=$TEMPLATE.xz
checksum[sha512]=$SHA512
revision=$REVISION
format=raw
size=$SIZE
compressed_size=$COMPRESSED
expand=/dev/sda1
notes=Stacklab's offline test template (recipe $HASH), built by test/lab/template/build.sh.
 Debian 12 minbase with systemd, openssh-server, linux-image-cloud-amd64,
 GRUB on the serial console (console=ttyS0,115200n8 net.ifnames=0),
 ifupdown with eth0 on DHCP by default, root SSH with keys only,
 an empty machine-id and no SSH host keys (generated at first boot if absent).
 It carries TEST DOUBLES of packstack, openstack, openstack-service and nova-manage,
 not OpenStack: use it for Stacklab's offline tests only.
EOF
cat >"$STAGE/virt-builder/repos.d/stacklab-test.conf" <<EOF
[stacklab-test]
uri=file://$REPO/index
EOF

# ---- 5. check with the real tool, then publish atomically (.complete last)
t=$(now)
mkdir -p "$WORK/xdg-config"
sed "s|file://$REPO/|file://$STAGE/|" "$STAGE/virt-builder/repos.d/stacklab-test.conf" >"$WORK/check.conf"
mkdir -p "$WORK/check/virt-builder/repos.d"
cp "$WORK/check.conf" "$WORK/check/virt-builder/repos.d/stacklab-test.conf"
listing=$(XDG_CONFIG_HOME=$WORK/xdg-config VIRT_BUILDER_DIRS=$WORK/check virt-builder --list --no-check-signature)
printf '%s\n' "$listing" >&2
printf '%s\n' "$listing" | grep -q "^$TEMPLATE " || { say "virt-builder --list does not show $TEMPLATE"; exit 1; }
say "phase check (virt-builder --list) done in $(elapsed "$t") s"

rm -rf "$REPO"
mv "$STAGE" "$REPO"
: >"$REPO/.complete"
say "published $REPO in $(elapsed "$T_ALL") s total"
printf '%s\n' "$REPO"
