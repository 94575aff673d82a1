"""Validate a generated notice against the vendored eForms SDK: the XSD, then every Schematron rule.

The Schematron patterns for the design contest subtypes (23, 36) are compiled by SchXslt into one XSLT
(about 10 s), which is cached on disk under the instance folder, keyed by the SDK version and a hash
of the vendored files; loading that XSLT into Saxon takes about 15 s, so the loaded stylesheet is
kept per process (the worker validates; tests share one per session). Each notice then validates in
well under a second.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

SDK_VERSION = "1.15.1"
EFORMS = Path(__file__).resolve().parent / "eforms"
SCHEMATRON = EFORMS / "schematrons" / "desg-validation.sch"
PIPELINE = EFORMS / "schxslt" / "xslt-2.0" / "pipeline-for-svrl.xsl"
XSD = {
    "ContractNotice": EFORMS / "schemas" / "maindoc" / "UBL-ContractNotice-2.3.xsd",
    "ContractAwardNotice": EFORMS / "schemas" / "maindoc" / "UBL-ContractAwardNotice-2.3.xsd",
}
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_lock = threading.Lock()


@dataclass(frozen=True)
class Failure:
    """One failed rule: its id (e.g. BR-BT-00500-0205), the field it concerns (BT id), where, and the SDK text."""

    rule_id: str
    field: str
    location: str
    text: str
    role: str = "ERROR"

    def as_dict(self) -> dict:
        return {"rule": self.rule_id, "field": self.field, "location": self.location, "text": self.text}


@cache
def _schema(root_name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD[root_name])))


def xsd_errors(xml: bytes) -> list[str]:
    """The XSD errors of one notice (an empty list when it is valid)."""
    try:
        doc = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return [str(exc)]
    name = etree.QName(doc).localname
    if name not in XSD:
        return [f"unknown notice root element {name}"]
    schema = _schema(name)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def sources_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((EFORMS / "schematrons").glob("*.sch")) + sorted((EFORMS / "schxslt").rglob("*.xsl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def compiled_path(cache_dir: Path) -> Path:
    """Compile the Schematron into XSLT once; the file name carries the SDK version and the sources' hash."""
    target = Path(cache_dir) / f"eforms-desg-{SDK_VERSION}-{sources_hash()}.xsl"
    if target.exists():
        return target
    from saxonche import PySaxonProcessor

    target.parent.mkdir(parents=True, exist_ok=True)
    with PySaxonProcessor(license=False) as proc:
        xslt = proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(PIPELINE))
        text = xslt.transform_to_string(source_file=str(SCHEMATRON))
    partial = target.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)  # atomic: two processes compiling at once both end with a whole file
    return target


class SchematronValidator:
    """The loaded validating stylesheet. Build one per process (see `validator`)."""

    def __init__(self, cache_dir: Path):
        from saxonche import PySaxonProcessor

        self._proc = PySaxonProcessor(license=False)
        self._executable = self._proc.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(compiled_path(cache_dir))
        )

    def failures(self, xml: bytes) -> list[Failure]:
        node = self._proc.parse_xml(xml_text=xml.decode("utf-8"))
        svrl = self._executable.transform_to_string(xdm_node=node)
        report = etree.fromstring(svrl.encode("utf-8"))
        result = []
        for failed in report.iter(f"{SVRL}failed-assert"):
            diagnostic = failed.find(f"{SVRL}diagnostic-reference")
            text = failed.find(f"{SVRL}text")
            result.append(
                Failure(
                    rule_id=failed.get("id") or "",
                    field=(diagnostic.get("diagnostic") if diagnostic is not None else "") or "",
                    location=failed.get("location") or "",
                    text=(text.text or "").strip() if text is not None else "",
                    role=failed.get("role") or "ERROR",
                )
            )
        return result


_validators: dict[str, SchematronValidator] = {}
_warming: dict[str, threading.Thread] = {}


def validator(cache_dir: Path) -> SchematronValidator:
    """The process's validator (loaded on first use, about 15 s)."""
    key = str(Path(cache_dir).resolve())
    with _lock:
        if key not in _validators:
            _validators[key] = SchematronValidator(Path(cache_dir))
        return _validators[key]


def ready(cache_dir: Path) -> bool:
    """True once the process's validator is loaded; else start loading it in a background thread.

    The worker's job checks this first, so that the long first load never runs inside the job's
    transaction (on SQLite that transaction holds the write lock)."""
    key = str(Path(cache_dir).resolve())
    with _lock:
        if key in _validators:
            return True
        if key not in _warming:
            _warming[key] = threading.Thread(target=validator, args=(Path(cache_dir),), daemon=True, name="eforms-load")
            _warming[key].start()
    return False
