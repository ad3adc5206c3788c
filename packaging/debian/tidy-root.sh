#!/usr/bin/env bash
# Tidies the staged package root (make deb) the way debhelper would
# (dh_strip, dh_fixperms), and drops from the shipped node_modules what
# only building or other systems use. Runs on the DESTDIR tree only: `make
# install` ships what it staged, untouched.
#   - native addons and the Node runtime stripped of debugging symbols
#     (the dynamic symbol table, which addons link against, stays);
#   - shared objects not executable; executables that are neither ELF nor
#     scripts not executable; scripts executable;
#   - zeromq's prebuilt addons for musl (this is a glibc system), the
#     addons' intermediate build outputs, node-gyp (it builds the addons at
#     npm install time, never at run time), examples, tests and packaging
#     dotfiles of the npm packages.
set -euo pipefail
root=${1:?usage: tidy-root.sh ROOT}
app=$root/usr/lib/vfkeeper
modules=$app/node_modules
[ -d "$modules" ] || { echo "tidy-root.sh: no $modules" >&2; exit 2; }

is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

# Build-only and other systems' files.
find "$modules" -name '*.node' -type f -print0 | while IFS= read -r -d '' f; do
  if readelf -d "$f" | grep -q 'libc\.musl'; then rm -f "$f"; fi
done
find "$modules" -depth -type d \( -path '*/build/Release/obj.target' -o -path '*/build/Release/.deps' \) -exec rm -rf {} +
find "$modules" -type f \( -name '.npmignore' -o -name '.eslintrc' -o -name '.eslintrc.*' \) -delete
rm -rf "$modules/node-gyp" "$modules/zeromq/script" "$modules/sd-notify/examples" "$modules/through/test"
find "$modules" -depth -type d -empty -delete

# dh_strip and dh_fixperms.
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$app/node"
find "$modules" -name '*.node' -type f -exec strip --strip-unneeded --remove-section=.comment --remove-section=.note {} + \
  -exec chmod 0644 {} +
find "$app" -type f -perm /111 ! -name '*.node' -print0 | while IFS= read -r -d '' f; do
  is_elf "$f" || [ "$(head -c 2 "$f")" = '#!' ] || chmod a-x "$f"
done
find "$app" -type f ! -perm /111 -exec awk 'FNR == 1 { if (/^#!/) print FILENAME; nextfile }' {} + \
  | while IFS= read -r f; do chmod 0755 "$f"; done
exit 0
