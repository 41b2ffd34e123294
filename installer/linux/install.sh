#!/usr/bin/env bash
# Install Rabta for the current user (no root): run from inside the unpacked rabta folder.
#   tar -xzf rabta-linux-x86_64.tar.gz && ./rabta/install.sh
# Your database (~/.local/share/Rabta/rabta.db) is never touched by installing or removing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${XDG_DATA_HOME:-$HOME/.local/share}/rabta-app"
bin="$HOME/.local/bin"
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
mkdir -p "$target" "$bin" "$apps" "$icons"
rm -rf "$target"
cp -a "$here" "$target"
ln -sf "$target/rabta" "$bin/rabta"
sed "s|^Exec=.*|Exec=$target/rabta|" "$here/rabta.desktop" > "$apps/rabta.desktop"
cp "$here/rabta-256.png" "$icons/rabta.png"
echo "Rabta installed in $target; start it from the applications menu or with: rabta"
