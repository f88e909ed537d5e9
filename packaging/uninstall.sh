#!/usr/bin/env bash
# Removes what packaging/install.sh installed (listed in PREFIX/lib/kuark/install-manifest) and
# PREFIX/lib/kuark itself. Keeps cluster state (/var/lib/kuark, /etc/kuark) and the flag files in
# /etc/default unless --purge is given. Stops the systemd units first when installed into /.
# --purge on a real system (no DESTDIR) also removes the host state the agent leaves behind on
# purpose so that pods survive agent restarts: its links (kuark0, kuark-dns, kuark.vxlan), its
# nftables tables, the blackhole routes of the default cluster and service CIDRs, and the empty
# `kuark` cgroup parents.
#
# Usage: [DESTDIR=D] [PREFIX=/usr/local] packaging/uninstall.sh [--purge]
set -euo pipefail

destdir=${DESTDIR:-}
prefix=${PREFIX:-/usr/local}
lib=$prefix/lib/kuark
purge=0
[[ ${1:-} == --purge ]] && purge=1

manifest=$destdir$lib/install-manifest
[[ -f $manifest ]] || { echo "uninstall.sh: no Kuark installation at ${destdir}${lib}" >&2; exit 1; }

if [[ -z $destdir ]] && [[ -d /run/systemd/system ]]; then
  systemctl disable --now kuark-agent.service kuark-server.service 2>/dev/null || true
fi

while IFS= read -r path; do
  [[ -n $path ]] || continue
  rm -f "$destdir$path"
done <"$manifest"
rm -rf "${destdir:?}$lib"
rmdir "$destdir/var/lib/kuark/agent/images" "$destdir/var/lib/kuark/agent" "$destdir/var/lib/kuark" 2>/dev/null || true

purge_host_state() {
  local link table cidr dir
  for link in kuark0 kuark-dns kuark.vxlan; do
    ip link del "$link" 2>/dev/null || true
  done
  for table in "inet kuark-proxy" "ip kuark-proxy" "inet kuark_masq" "bridge kuark_macspoof"; do
    # shellcheck disable=SC2086 # family and name are two words on purpose.
    nft delete table $table 2>/dev/null || true
  done
  for cidr in 10.42.0.0/16 10.43.0.0/16; do
    ip route del blackhole "$cidr" 2>/dev/null || true
  done
  # Deepest first; rmdir only removes cgroups that no process uses any more.
  for dir in /sys/fs/cgroup/*/kuark /sys/fs/cgroup/kuark /sys/fs/cgroup/unified/kuark; do
    [[ -d $dir ]] || continue
    find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

if ((purge)); then
  rm -rf "$destdir/var/lib/kuark" "$destdir/etc/kuark"
  rm -f "$destdir/etc/default/kuark-server" "$destdir/etc/default/kuark-agent"
  [[ -n $destdir ]] || purge_host_state
fi
if [[ -z $destdir ]] && [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
fi
echo "Kuark removed from ${destdir}${prefix}$( ((purge)) && echo ' (state purged)')."
