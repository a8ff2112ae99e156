#!/bin/sh
# Installs this annotator folder for the current user: a menu entry, and .db project files
# opening in annotator on double-click. Run it from the unpacked folder: ./install.sh
# (./install.sh --uninstall removes the entry and the file type again.)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$data/applications/annotator.desktop" "$data/mime/packages/annotator-mime.xml"
else
    mkdir -p "$data/applications" "$data/mime/packages"
    sed "s|^Exec=annotator |Exec=\"$here/annotator\" |" "$here/share/annotator.desktop" \
        > "$data/applications/annotator.desktop"
    cp "$here/share/annotator-mime.xml" "$data/mime/packages/"
fi
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
if [ "${1:-}" = "--uninstall" ]; then
    echo "annotator: menu entry and file type removed (this folder stays; delete it by hand)"
else
    command -v xdg-mime >/dev/null && \
        xdg-mime default annotator.desktop application/x-annotator-project || true
    echo "annotator: installed for $(id -un) (menu entry and .annotator.db file type)"
fi
