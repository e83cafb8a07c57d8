# shellcheck shell=bash
# TEST DOUBLE support library for Stacklab's offline tests. It is NOT part of any real OpenStack tool.
# Sourced by the test doubles `packstack`, `openstack` and `openstack-service` that the Stacklab test
# template installs in /usr/bin (this file goes to /usr/lib/stacklab-test/doubles-lib.sh). It holds the
# paths, the shared install state and the "which services are down" switch.
#
# Paths can be moved under a prefix with STACKLAB_DOUBLE_ROOT (used when the doubles are exercised on a
# development machine instead of inside a guest); inside the guest the prefix is empty.

# shellcheck disable=SC2034 # these are used by the scripts that source this file
SL_ROOT=${STACKLAB_DOUBLE_ROOT:-}
SL_ETC=$SL_ROOT/etc/stacklab-test               # test switches (packstack-fail-at, services-down, ...)
SL_STATE_DIR=$SL_ROOT/var/lib/stacklab-test
SL_STATE=$SL_STATE_DIR/openstack-state          # written by packstack, read by openstack/openstack-service
SL_STOPPED=$SL_STATE_DIR/stopped-units          # units stopped through `openstack-service stop`
SL_PACKSTACK_VAR=$SL_ROOT/var/tmp/packstack

# The address packstack would pick for this host: eth0's IPv4 address.
sl_local_ip() {
  if [ -n "${STACKLAB_DOUBLE_LOCAL_IP:-}" ]; then
    printf '%s\n' "$STACKLAB_DOUBLE_LOCAL_IP"
    return
  fi
  local ip
  ip=$(ip -4 -o addr show dev eth0 2>/dev/null | awk '{split($4, a, "/"); print a[1]; exit}')
  [ -n "$ip" ] || ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{split($4, a, "/"); print a[1]; exit}')
  printf '%s\n' "${ip:-127.0.0.1}"
}

# Every IPv4 address of this host, one per line.
sl_local_ips() {
  sl_local_ip
  ip -4 -o addr show 2>/dev/null | awk '{split($4, a, "/"); print a[1]}'
}

# The host name OpenStack services would report for a node address: this machine's name for its own
# addresses, otherwise what /etc/hosts (or DNS) says, otherwise the address itself.
sl_host_name() {
  local addr=$1 name
  if sl_local_ips | grep -xF -- "$addr" >/dev/null; then
    hostname
    return
  fi
  name=$(getent hosts "$addr" 2>/dev/null | awk '{print $2; exit}')
  printf '%s\n' "${name:-$addr}"
}

# A stable UUID derived from a seed string (IDs must not change between two calls).
sl_uuid() {
  local h
  h=$(printf '%s' "$1" | md5sum | cut -c1-32)
  printf '%s-%s-%s-%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:12:4}" "${h:16:4}" "${h:20:12}"
}

# Keystone-style ID: 32 hex digits, no dashes.
sl_hexid() {
  printf '%s' "$1" | md5sum | cut -c1-32
}

sl_random_hex() { # N hex digits from /dev/urandom
  od -An -N"$(( ($1 + 1) / 2 ))" -tx1 /dev/urandom | tr -d ' \n' | cut -c1-"$1"
}

# Read KEY from the install state file (KEY=VALUE lines); prints nothing when absent.
sl_state_get() {
  [ -r "$SL_STATE" ] || return 0
  awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2) }' "$SL_STATE" | tail -n 1
}

# All values of a repeated KEY, one per line.
sl_state_all() {
  [ -r "$SL_STATE" ] || return 0
  awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2) }' "$SL_STATE"
}

# True when the manifest HOST_ROLE.pp has been applied successfully.
sl_applied() {
  sl_state_all APPLIED | grep -xF -- "$1" >/dev/null
}

# True when BINARY (e.g. nova-compute, neutron-ovn-metadata-agent, ovn-controller) is reported down:
# listed in /etc/stacklab-test/services-down (first word of a line; '#' comments allowed) or stopped via
# `openstack-service stop`. The optional second word on a services-down line is the systemd ActiveState
# to report (default: inactive).
sl_is_down() {
  local bin=$1
  if [ -r "$SL_ETC/services-down" ] &&
    awk -v b="$bin" '{ sub(/#.*/, "") } $1 == b { found = 1 } END { exit !found }' "$SL_ETC/services-down"; then
    return 0
  fi
  [ -r "$SL_STOPPED" ] && grep -qxF "$bin" "$SL_STOPPED"
}

sl_down_state() {
  local s=""
  [ -r "$SL_ETC/services-down" ] &&
    s=$(awk -v b="$1" '{ sub(/#.*/, "") } $1 == b && $2 != "" { print $2; exit }' "$SL_ETC/services-down")
  printf '%s\n' "${s:-inactive}"
}

# When a service went down (mtime of the switch file), in the given date(1) format.
sl_down_since() {
  local f=$SL_ETC/services-down
  [ -e "$f" ] || f=$SL_STOPPED
  if [ -e "$f" ]; then date -u -r "$f" +"$1"; else date -u +"$1"; fi
}

# Comma/space separated host list -> one host per line, without duplicates, order kept.
sl_split_hosts() {
  printf '%s\n' "$1" | tr ', ' '\n\n' | awk 'NF && !seen[$0]++'
}
