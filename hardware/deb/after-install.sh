#!/bin/bash
# postinst of the kiosk deb (electron-builder `deb.afterInstall`, passed to fpm --after-install).
# It does what electron-builder's own after-install does (link the binary, chrome-sandbox, AppArmor),
# then installs the car's systemd units and udev rules shipped in resources/hardware/.
# Idempotent: dpkg runs it on every install, upgrade and `dpkg --configure`; running it twice
# leaves the same state.
#
# electron-builder expands ${executable} and ${sanitizedProductName} in this file before packaging,
# and refuses any other dollar-brace name made only of letters: write shell variables as $name.
# SOSM_INSTALL_ROOT prefixes every path written (the test runs this script in a temporary root with
# stub commands); dpkg never sets it.
set -eu

root="${SOSM_INSTALL_ROOT:-}"
app_dir='/opt/${sanitizedProductName}'
exe='${executable}'
resources="$root$app_dir/resources"
systemd_running=no
[ -d "$root/run/systemd/system" ] && systemd_running=yes

say() { echo "sosm-kiosk: $*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# 1. The binary on the PATH, as electron-builder's default script does.
mkdir -p "$root/usr/bin"
ln -sfn "$app_dir/$exe" "$root/usr/bin/$exe"

# 2. Chromium's SUID sandbox helper is only needed where unprivileged user namespaces are off.
if [ -f "$root$app_dir/chrome-sandbox" ]; then
  if [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = "0" ]; then
    chmod 4755 "$root$app_dir/chrome-sandbox" || true
  else
    chmod 0755 "$root$app_dir/chrome-sandbox" || true
  fi
fi

# 3. AppArmor profile (Ubuntu 24+ restricts user namespaces to profiled programs).
if [ -f "$resources/apparmor-profile" ] && have apparmor_parser && [ -d /sys/kernel/security/apparmor ]; then
  install -D -m 0644 "$resources/apparmor-profile" "$root/etc/apparmor.d/$exe"
  apparmor_parser --replace --write-cache --skip-read-cache "$root/etc/apparmor.d/$exe" || true
fi

# 4. The service user shared by the core and the screen (kiosk.json is 0600), in dialout for the
#    serial ports. Its data in /var/lib/sosm is never touched here.
if ! getent passwd sosm >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/sosm --no-create-home --shell /usr/sbin/nologin sosm
fi
usermod -a -G dialout sosm || true

# 5. systemd units. Package-managed: local changes belong in drop-ins (`systemctl edit sosm-core`).
for unit in sosm-core.service sosm-kiosk.service; do
  install -D -m 0644 "$resources/hardware/systemd/$unit" "$root/etc/systemd/system/$unit"
done

# 6. udev rules: stable /dev/sosm-gnss and /dev/sosm-equipment, and ModemManager kept away.
install -D -m 0644 "$resources/hardware/udev/99-sosm.rules" "$root/etc/udev/rules.d/99-sosm.rules"
if have udevadm && [ -S "$root/run/udev/control" ]; then
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=tty --action=change || true
fi

if have systemctl; then
  [ "$systemd_running" = yes ] && systemctl daemon-reload
  # The core ships separately (/opt/sosm). Enable it always, start it only once it is installed and
  # configured; never restart it here: upgrading the screen must not interrupt telemetry.
  systemctl enable sosm-core.service >/dev/null 2>&1 || true
  if [ -f "$root/etc/sosm/core.json" ] && [ -f "$root/opt/sosm/apps/cli/main.ts" ]; then
    [ "$systemd_running" = yes ] && systemctl start sosm-core.service || true
  else
    say "the core is not installed or configured yet (/opt/sosm, /etc/sosm/core.json): sosm-core will start once it is"
  fi
  if [ -x "$root/usr/bin/cage" ]; then
    systemctl enable sosm-kiosk.service >/dev/null 2>&1 || true
    # Only if it already runs: the new Electron files replaced the old ones under it.
    [ "$systemd_running" = yes ] && systemctl try-restart sosm-kiosk.service || true
  else
    say "cage is not installed: the screen will not start at boot (apt-get install cage, then systemctl enable sosm-kiosk)"
  fi
fi

if have update-desktop-database; then update-desktop-database "$root/usr/share/applications" || true; fi
exit 0
