#!/bin/bash
# postrm of the kiosk deb (electron-builder `deb.afterRemove`, passed to fpm --after-remove).
# dpkg also runs it on upgrade ($1 = upgrade), when nothing must be removed: the new version's
# postinst follows. `remove` takes away the screen only; the core's unit and the udev rules stay,
# because the core (installed separately) keeps reporting without a screen. `purge` removes what the
# package installed. The `sosm` user and /var/lib/sosm (the car's data) are never deleted here.
# Idempotent: every step tolerates a file or unit that is already gone.
#
# electron-builder expands ${executable} in this file; write shell variables as $name.
# SOSM_INSTALL_ROOT: see after-install.sh.
set -eu

root="${SOSM_INSTALL_ROOT:-}"
exe='${executable}'
action="${1:-remove}"
systemd_running=no
[ -d "$root/run/systemd/system" ] && systemd_running=yes

have() { command -v "$1" >/dev/null 2>&1; }

case "$action" in
  remove | purge) ;;
  *) exit 0 ;;
esac

if have systemctl; then
  systemctl disable sosm-kiosk.service >/dev/null 2>&1 || true
  [ "$systemd_running" = yes ] && systemctl stop sosm-kiosk.service || true
fi
rm -f "$root/etc/systemd/system/sosm-kiosk.service"

if have update-alternatives; then update-alternatives --remove "$exe" "/usr/bin/$exe" >/dev/null 2>&1 || true; fi
rm -f "$root/usr/bin/$exe"

if [ -f "$root/etc/apparmor.d/$exe" ]; then
  if have apparmor_parser; then apparmor_parser --remove "$root/etc/apparmor.d/$exe" >/dev/null 2>&1 || true; fi
  rm -f "$root/etc/apparmor.d/$exe"
fi

if [ "$action" = purge ]; then
  if have systemctl; then
    systemctl disable sosm-core.service >/dev/null 2>&1 || true
    [ "$systemd_running" = yes ] && systemctl stop sosm-core.service || true
  fi
  rm -f "$root/etc/systemd/system/sosm-core.service"
  rm -f "$root/etc/udev/rules.d/99-sosm.rules"
  if have udevadm && [ -S "$root/run/udev/control" ]; then udevadm control --reload-rules || true; fi
fi

if have systemctl && [ "$systemd_running" = yes ]; then systemctl daemon-reload || true; fi
exit 0
