#!/bin/bash
# Checks the test doubles in doubles/ on this machine, without building or booting the template: the
# doubles run with their paths moved under a temp dir (STACKLAB_DOUBLE_ROOT) and inside an empty network
# namespace (unshare --net), so nothing can leave the machine. Takes a few seconds.
#   bash test/lab/template/doubles-selftest.sh        # needs root (unshare --net); prints "N passed, N failed"
set -uo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
D=$HERE/doubles
if [ "${1:-}" != --inside ]; then
  exec unshare --net -- bash "${BASH_SOURCE[0]}" --inside
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export STACKLAB_DOUBLE_ROOT=$T HOME=$T/root STACKLAB_DOUBLE_LOCAL_IP=192.168.122.100 STACKLAB_DOUBLE_NO_REMOTE=1
mkdir -p "$HOME" "$T/etc/stacklab-test"
echo 0 >"$T/etc/stacklab-test/packstack-step-seconds"

pass=0
fail=0
check() { # description, then a command that must succeed
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    printf 'FAIL: %s\n' "$what"
  fi
}
strip() { sed 's/\x1b\[[0-9;]*m//g; s/\r//g' "$@"; }
unset OS_AUTH_URL OS_USERNAME OS_PASSWORD

# --- answer file
"$D/packstack" --gen-answer-file="$HOME/answers.txt"
check "gen-answer-file exits 0" test $? = 0
check "answer file starts with [general]" test "$(head -n 1 "$HOME/answers.txt")" = "[general]"
check "answer file is mode 600" test "$(stat -c %a "$HOME/answers.txt")" = 600
for key in CONFIG_DEFAULT_PASSWORD CONFIG_KEYSTONE_ADMIN_PW CONFIG_PROVISION_DEMO CONFIG_CONTROLLER_HOST \
  CONFIG_COMPUTE_HOSTS CONFIG_NETWORK_HOSTS CONFIG_NTP_SERVERS CONFIG_NEUTRON_OVS_BRIDGE_IFACES \
  CONFIG_NEUTRON_OVN_BRIDGE_IFACES CONFIG_CINDER_INSTALL CONFIG_SWIFT_INSTALL CONFIG_HEAT_INSTALL \
  CONFIG_HORIZON_INSTALL CONFIG_NOVA_LIBVIRT_VIRT_TYPE; do
  check "answer file has $key" grep -q "^$key=" "$HOME/answers.txt"
done
check "controller defaults to eth0 address" grep -qx 'CONFIG_CONTROLLER_HOST=192.168.122.100' "$HOME/answers.txt"
check "passwords are generated (16 hex)" grep -qE '^CONFIG_KEYSTONE_ADMIN_PW=[0-9a-f]{16}$' "$HOME/answers.txt"
check "every key has a comment above it" awk '/^CONFIG_/ { if (prev !~ /^# /) exit 1 } { prev = $0 }' "$HOME/answers.txt"
"$D/packstack" --gen-answer-file "$HOME/answers2.txt" --default-password=s3cret
check "--gen-answer-file FILE form and --default-password" grep -qx 'CONFIG_KEYSTONE_ADMIN_PW=s3cret' "$HOME/answers2.txt"
"$D/packstack" --bogus >/dev/null 2>"$T/err"
check "unknown option exits 2 like optparse" test $? = 2

# --- openstack before any install
"$D/openstack" compute service list >/dev/null 2>"$T/err"
check "openstack without OS_* fails" test $? = 1
check "missing auth-url message" grep -qx 'Missing value auth-url required for auth plugin password' "$T/err"
OS_AUTH_URL=http://192.168.122.100:5000/v3 OS_USERNAME=admin OS_PASSWORD=x "$D/openstack" service list 2>"$T/err"
check "unreachable endpoint before install" grep -q 'Unable to establish connection to http://192.168.122.100:5000/v3/auth/tokens' "$T/err"

# --- a multi-node install from an answer file, output to a file
sed -i -e 's/^CONFIG_COMPUTE_HOSTS=.*/CONFIG_COMPUTE_HOSTS=192.168.122.110,192.168.122.111/' \
  -e 's/^CONFIG_KEYSTONE_ADMIN_PW=.*/CONFIG_KEYSTONE_ADMIN_PW=adminpw/' "$HOME/answers.txt"
"$D/packstack" --answer-file="$HOME/answers.txt" >"$T/run.log" 2>&1
check "answer-file run exits 0" test $? = 0
strip "$T/run.log" >"$T/run.txt"
check "welcome line" grep -qx 'Welcome to the Packstack setup utility' "$T/run.txt"
check "Installing:" grep -qx 'Installing:' "$T/run.txt"
check "step line format" grep -qx 'Clean Up                                             \[ DONE \]' "$T/run.txt"
check "long step title format" grep -qx "Pre installing Puppet and discovering hosts' details \[ DONE \]" "$T/run.txt"
for m in 192.168.122.100_controller.pp 192.168.122.100_network.pp 192.168.122.110_compute.pp 192.168.122.111_compute.pp; do
  check "applies $m" grep -qx "Applying $m" "$T/run.txt"
  check "reports $m done" grep -qE "^$m: +\[ DONE \]$" "$T/run.txt"
done
check "success banner" grep -qx ' \*\*\*\* Installation completed successfully \*\*\*\*\*\*' "$T/run.txt"
check "horizon bullet" grep -qx ' \* To access the OpenStack Dashboard browse to http://192.168.122.100/dashboard .' "$T/run.txt"
logdir=$(sed -n 's/^The installation log file is available at: \(.*\)\/openstack-setup.log$/\1/p' "$T/run.txt" | head -n 1)
check "log dir named YYYYMMDD-HHMMSS-xxxxxxxx" bash -c "[[ '$(basename "$logdir")' =~ ^[0-9]{8}-[0-9]{6}-[a-z0-9_]{8}$ ]]"
check "openstack-setup.log exists" test -f "$logdir/openstack-setup.log"
check "manifest logs exist" test -f "$logdir/manifests/192.168.122.110_compute.pp.log"
check "keystonerc_admin written" grep -q "^    export OS_PASSWORD='adminpw'$" "$HOME/keystonerc_admin"
check "keystonerc auth url" grep -q '^    export OS_AUTH_URL=http://192.168.122.100:5000/v3$' "$HOME/keystonerc_admin"

# --- openstack after the install
(
  . "$HOME/keystonerc_admin"
  "$D/openstack" compute service list -f json >"$T/cs.json"
  "$D/openstack" compute service list >"$T/cs.txt"
  "$D/openstack" network agent list -f json >"$T/na.json"
  echo nova-compute >"$T/etc/stacklab-test/services-down"
  "$D/openstack" compute service list -f value -c Binary -c State >"$T/cs-down.txt"
  "$D/openstack" hypervisor list -f value -c State >"$T/hyp.txt"
  OS_PASSWORD=wrong "$D/openstack" service list 2>"$T/401.txt"
  rm -f "$T/etc/stacklab-test/services-down"
)
check "compute service list JSON fields" grep -q '"Updated At": "' "$T/cs.json"
check "compute list has nova-compute" grep -q '"Binary": "nova-compute"' "$T/cs.json"
check "table borders" grep -qE '^\+-+\+-+\+' "$T/cs.txt"
check "table header" grep -qE '^\| ID +\| Binary +\| Host +\| Zone +\| Status +\| State +\| Updated At +\|$' "$T/cs.txt"
check "agent Alive is a JSON boolean" grep -q '"Alive": true,' "$T/na.json"
check "services-down marks nova-compute down" grep -qx 'nova-compute down' "$T/cs-down.txt"
check "hypervisors down with nova-compute" grep -qx 'down' "$T/hyp.txt"
check "wrong password is HTTP 401" grep -q '(HTTP 401)' "$T/401.txt"
"$D/openstack-service" status >"$T/oss.txt"
check "openstack-service status format" grep -qE '^MainPID=[0-9]+ Id=openstack-nova-api.service ActiveState=active$' "$T/oss.txt"
echo nova-api >"$T/etc/stacklab-test/services-down"
check "openstack-service honours services-down" bash -c "'$D/openstack-service' status nova | grep -qx 'MainPID=0 Id=openstack-nova-api.service ActiveState=inactive'"
rm -f "$T/etc/stacklab-test/services-down"
check "openstack-service list" bash -c "'$D/openstack-service' list nova | grep -qx openstack-nova-api"

# --- nova-manage: the install's controller_post mapped the compute hosts it installed
check "install ran discover_hosts (as root)" grep -qE 'user=root mapped=192\.168\.122\.110,192\.168\.122\.111$' "$T/var/lib/stacklab-test/nova/discover-runs"
"$D/nova-manage" cell_v2 discover_hosts --verbose >"$T/dh0.txt" 2>&1
check "discover_hosts with nothing new" grep -qE "^Found 0 unmapped computes in cell: [0-9a-f-]{36}$" "$T/dh0.txt"
check "nothing created" bash -c "! grep -q 'Creating host mapping' '$T/dh0.txt'"
"$D/nova-manage" cell_v2 discover_hosts --bogus >/dev/null 2>"$T/dherr.txt"
check "nova-manage refuses unknown arguments (exit 2)" test $? = 2

# --- adding a compute host: EXCLUDE_SERVERS keeps the configured servers out of the second run
cp "$HOME/answers.txt" "$HOME/join.txt"
sed -i -e 's/^CONFIG_COMPUTE_HOSTS=.*/CONFIG_COMPUTE_HOSTS=192.168.122.110,192.168.122.111,192.168.122.112/' \
  -e 's/^EXCLUDE_SERVERS=.*/EXCLUDE_SERVERS=192.168.122.100,192.168.122.110,192.168.122.111/' "$HOME/join.txt"
"$D/packstack" --answer-file="$HOME/join.txt" >"$T/join.log" 2>&1
check "join run exits 0" test $? = 0
strip "$T/join.log" >"$T/join.txt"
check "join applies the new compute only" grep -qx 'Applying 192.168.122.112_compute.pp' "$T/join.txt"
check "join applies exactly one manifest" test "$(grep -c '^Applying .*\.pp$' "$T/join.txt")" = 1
check "excluded controller not applied" bash -c "! grep -q 'Applying 192.168.122.100_controller' '$T/join.txt'"
check "excluded hosts logged as not prepared" grep -q '\[192.168.122.110\] excluded (EXCLUDE_SERVERS): not prepared' "$(sed -n 's/^The installation log file is available at: //p' "$T/join.txt" | head -n 1)"
check "state keeps the union of compute hosts" grep -qx 'COMPUTE_HOSTS=192.168.122.110,192.168.122.111,192.168.122.112' "$T/var/lib/stacklab-test/openstack-state"
check "state records the excluded servers" grep -qx 'EXCLUDED=192.168.122.100,192.168.122.110,192.168.122.111' "$T/var/lib/stacklab-test/openstack-state"
(
  . "$HOME/keystonerc_admin"
  "$D/openstack" compute service list -f value -c Binary -c Host -c State >"$T/cs-join.txt"
)
for h in 110 111 112; do
  check "nova-compute up on 192.168.122.$h after the join" grep -qx "nova-compute 192.168.122.$h up" "$T/cs-join.txt"
done
check "the join did not map the new host (no controller_post)" bash -c "! grep -qx 192.168.122.112 '$T/var/lib/stacklab-test/nova/host-mappings'"
"$D/nova-manage" cell_v2 discover_hosts --verbose >"$T/dh1.txt" 2>&1
check "discover_hosts exits 0" test $? = 0
check "Found 2 cell mappings." grep -qx 'Found 2 cell mappings.' "$T/dh1.txt"
check "cell0 skipped" grep -qx 'Skipping cell0 since it does not contain hosts.' "$T/dh1.txt"
check "computes from cell default" grep -qE "^Getting computes from cell 'default': [0-9a-f-]{36}$" "$T/dh1.txt"
check "one unmapped compute" grep -qE '^Found 1 unmapped computes in cell: [0-9a-f-]{36}$' "$T/dh1.txt"
check "checks the new host" grep -qE "^Checking host mapping for compute host '192.168.122.112': [0-9a-f-]{36}$" "$T/dh1.txt"
check "maps the new host" grep -qE "^Creating host mapping for compute host '192.168.122.112': [0-9a-f-]{36}$" "$T/dh1.txt"
check "discover run recorded with the host it mapped" grep -qE 'mapped=192\.168\.122\.112$' "$T/var/lib/stacklab-test/nova/discover-runs"
"$D/nova-manage" cell_v2 discover_hosts >"$T/dh2.txt" 2>&1
check "without --verbose it prints nothing" test ! -s "$T/dh2.txt"
check "a second discover maps nothing" grep -qE 'mapped=$' "$T/var/lib/stacklab-test/nova/discover-runs"

# --- failure injection
echo 192.168.122.110_compute.pp >"$T/etc/stacklab-test/packstack-fail-at"
"$D/packstack" --answer-file="$HOME/answers.txt" >"$T/fail.log" 2>&1
check "failed run exits 1" test $? = 1
strip "$T/fail.log" >"$T/fail.txt"
check "manifest ERROR line" grep -qE '^192\.168\.122\.110_compute\.pp: +\[ ERROR \]$' "$T/fail.txt"
check "error block" grep -qx 'ERROR : Error appeared during Puppet run: 192.168.122.110_compute.pp' "$T/fail.txt"
check "full trace hint" grep -qE '^You will find full trace in log /.*/manifests/192\.168\.122\.110_compute\.pp\.log$' "$T/fail.txt"
check "log file hint" grep -qE '^Please check log file /.*/openstack-setup\.log for more information$' "$T/fail.txt"
printf 'Preparing Nova Compute entries\n' >"$T/etc/stacklab-test/packstack-fail-at"
"$D/packstack" --allinone >"$T/fail2.log" 2>&1
check "failed step exits 1" test $? = 1
check "step ERROR line" bash -c "sed 's/\x1b\[[0-9;]*m//g' '$T/fail2.log' | grep -qE '^Preparing Nova Compute entries +\[ ERROR \]$'"
rm -f "$T/etc/stacklab-test/packstack-fail-at"

# --- allinone
"$D/packstack" --allinone >"$T/aio.log" 2>&1
check "allinone exits 0" test $? = 0
check "allinone writes an answer file" bash -c "ls '$HOME'/packstack-answers-*.txt"
check "allinone applies compute on this host" grep -q '^Applying 192.168.122.100_compute.pp$' "$T/aio.log"

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" = 0 ]
