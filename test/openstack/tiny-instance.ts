// The tests' instance image, made offline inside the lab (CirrOS cannot be downloaded here): the
// controller's own Debian kernel and a busybox initramfs whose /init says it booted, uploaded to Glance as a
// kernel (aki), a ramdisk (ari) and a 1 MiB raw disk whose kernel_id and ramdisk_id point at them, so
// nova's libvirt driver boots the kernel directly. Raw, not ami: Debian 12's nova (26.2.2-1~deb12u5, with
// the image-inspection security fix of bug 2059809) refuses an ami whose content qemu-img reads as raw
// ("Image content does not match disk_format"), seen on the lab. Tiny on purpose: it runs under QEMU software emulation inside a QEMU
// guest that itself runs under software emulation.
export const TINY_BOOTED = 'stacklab-tiny: booted'

/** A shell script for the controller (as root): builds the three images and a flavor, idempotently. */
export const TINY_IMAGE_SCRIPT = `set -e
. /root/admin-openrc
w=/root/tiny; rm -rf $w; mkdir -p $w/root/bin
cp /bin/busybox $w/root/bin/busybox
cat > $w/root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev
echo "${TINY_BOOTED}, kernel $(/bin/busybox uname -r)" > /dev/console
echo "${TINY_BOOTED}, kernel $(/bin/busybox uname -r)"
while :; do /bin/busybox sleep 3600; done
INIT
chmod 0755 $w/root/init
(cd $w/root && find . | cpio -o -H newc --quiet | gzip -1) > $w/initrd.gz
cp "$(ls /boot/vmlinuz-* | tail -n 1)" $w/vmlinuz
truncate -s 1M $w/disk.raw
kernel=$(openstack image create --disk-format aki --container-format aki --file $w/vmlinuz tiny-kernel -f value -c id)
ramdisk=$(openstack image create --disk-format ari --container-format ari --file $w/initrd.gz tiny-ramdisk -f value -c id)
openstack image create --disk-format raw --container-format bare --file $w/disk.raw \\
  --property kernel_id=$kernel --property ramdisk_id=$ramdisk \\
  --property os_command_line="console=ttyS0 panic=10" tiny-boot -f value -c id
openstack flavor show tiny >/dev/null 2>&1 || openstack flavor create --ram 128 --vcpus 1 --disk 1 tiny -f value -c id
`
