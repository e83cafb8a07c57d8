#!/bin/bash
# Runs inside `ip netns exec NS unshare --mount --propagation private`: gives libvirt private state
# directories (so it never touches the host's libvirt), starts virtlogd, then becomes libvirtd.
# Usage: libvirtd-inner.sh STATE_DIR
set -euo pipefail
T=$1
mkdir -p "$T"/{run,lib/images,cache,log,etc,sock}
cp -a /etc/libvirt/. "$T/etc/"
for pair in run:/run/libvirt lib:/var/lib/libvirt cache:/var/cache/libvirt log:/var/log/libvirt etc:/etc/libvirt; do
  src=${pair%%:*}
  dst=${pair#*:}
  mkdir -p "$dst"
  mount --bind "$T/$src" "$dst"
done
cat > "$T/libvirtd.conf" <<CONF
unix_sock_dir = "$T/sock"
unix_sock_rw_perms = "0770"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "2:file:$T/libvirtd.log"
CONF
ip link set lo up
# On a restart virtlogd is still running from the first start.
virtlogd -d -p "$T/virtlogd.pid" 2>/dev/null || true
exec libvirtd --config "$T/libvirtd.conf" --pid-file "$T/libvirtd.pid"
