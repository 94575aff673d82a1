"""Copy the parts of the eForms SDK that Compete needs into compete/notices/eforms/.

Usage: python scripts/eforms_vendor.py PATH_TO_EFORMS_SDK

The SDK folder holds `schemas/`, `schematrons/static/`, `schxslt/` and `LICENSE-eforms-sdk`
(as in the public eForms SDK, tag 1.15.1, plus SchXslt 1.10.1). Only the Schematron patterns that
the design contest subtypes (23 and 36) activate are copied; `desg-validation.sch` is written from
`complete-validation.sch` with the same namespaces, variables and diagnostics, its phases dropped and
its includes limited to those patterns. Every rule in those patterns already filters on the notice
subtype, so running them all is what the phases eforms-23 and eforms-36 of the complete file do.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

SUBTYPES = ("23", "36")
TARGET = Path(__file__).resolve().parent.parent / "compete" / "notices" / "eforms"


def phase_patterns(complete: str, subtype: str) -> list[str]:
    match = re.search(rf'<phase id="eforms-{subtype}">(.*?)</phase>', complete, re.S)
    if match is None:
        raise SystemExit(f"no phase eforms-{subtype}")
    return re.findall(r'<active pattern="EFORMS-(validation-stage-[^"]+)"', match.group(1))


def main(sdk: Path) -> None:
    static = sdk / "schematrons" / "static"
    complete = (static / "complete-validation.sch").read_text(encoding="utf-8")
    patterns: list[str] = []
    for subtype in SUBTYPES:
        patterns += [p for p in phase_patterns(complete, subtype) if p not in patterns]
    if TARGET.exists():
        for sub in ("schemas", "schematrons", "schxslt"):
            shutil.rmtree(TARGET / sub, ignore_errors=True)
    (TARGET / "schematrons").mkdir(parents=True, exist_ok=True)
    shutil.copytree(sdk / "schemas", TARGET / "schemas")
    shutil.copytree(sdk / "schxslt", TARGET / "schxslt")
    shutil.copy(sdk / "LICENSE-eforms-sdk", TARGET / "LICENSE-eforms-sdk")
    for pattern in patterns:
        shutil.copy(static / f"{pattern}.sch", TARGET / "schematrons" / f"{pattern}.sch")
    head = complete[: complete.index("<phase ")]
    diagnostics = complete[complete.index("<diagnostics>") :]
    includes = "".join(f'\t<include href="{p}.sch"/>\n' for p in patterns)
    phases = ", ".join("eforms-" + s for s in SUBTYPES)
    note = f"<!-- Compete: the patterns of phases {phases} of complete-validation.sch -->\n"
    (TARGET / "schematrons" / "desg-validation.sch").write_text(
        head.replace("<schema ", note + "<schema ", 1) + includes + "\n\t" + diagnostics, encoding="utf-8"
    )
    print(f"{len(patterns)} patterns: {', '.join(patterns)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
