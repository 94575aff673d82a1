"""The innsyn package (R44): what it holds, redacted, for the preview and for the ZIP with its PDF index.

Redaction happens here, in the generated copy: a field the participant marked as a business secret
(R20) is replaced by a notice with the officer's reason, a marked file is left out and replaced by a
notice. Originals are only read, never written.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from compete.competitions.models import Competition
from compete.competitions.snapshot import build_snapshot
from compete.innsyn import queries
from compete.innsyn.models import InnsynRequest
from compete.storage.backends import get_storage
from compete.submissions.models import Attachment, Submission


@dataclass
class FieldView:
    key: str
    label: str
    text: str | None  # None when redacted
    marked: bool
    reason: str | None


@dataclass
class FileView:
    attachment: Attachment
    marked: bool
    reason: str | None

    @property
    def redacted(self) -> bool:
        return self.reason is not None


@dataclass
class EntryView:
    submission: Submission
    folder: str
    fields: list[FieldView] = field(default_factory=list)
    files: list[FileView] = field(default_factory=list)


@dataclass
class PackageView:
    request: InnsynRequest
    call: dict | None
    questions: list
    protocol: bool
    entries: list[EntryView]

    @property
    def redaction_count(self) -> int:
        return sum(1 for e in self.entries for f in e.fields if f.reason) + sum(
            1 for e in self.entries for f in e.files if f.redacted
        )


def field_target(key: str) -> str:
    return f"field:{key}"


def file_target(attachment: Attachment) -> str:
    return f"file:{attachment.id}"


def _text(value) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=2)


def view(request: InnsynRequest, candidates: list[Submission] | None = None) -> PackageView:
    """The package as the officer previews it and the requester receives it."""
    competition: Competition = request.competition
    scope = request.scope or {}
    chosen = set(scope.get("submissions") or [])
    reasons = {(r.version_id, r.target): r for r in request.redactions}
    entries = []
    for submission in candidates if candidates is not None else queries.candidates(competition):
        version = submission.current_version
        if submission.id not in chosen or version is None:
            continue
        entry = EntryView(submission, f"entries/{submission.stage.position}-{submission.code}")
        labels = {f.key: f.label for f in submission.stage.fields}
        marked = set(version.secret_fields or [])
        for key, value in (version.content or {}).items():
            decision = reasons.get((version.id, field_target(key)))
            entry.fields.append(
                FieldView(
                    key,
                    labels.get(key, key),
                    None if decision else _text(value),
                    key in marked,
                    decision.reason if decision else None,
                )
            )
        for attachment in version.attachments:
            decision = reasons.get((version.id, file_target(attachment)))
            entry.files.append(FileView(attachment, attachment.is_secret, decision.reason if decision else None))
        entries.append(entry)
    call = None
    if scope.get("call"):
        published = queries.latest_call(competition)
        call = published.snapshot if published is not None else build_snapshot(competition)
    return PackageView(
        request=request,
        call=call,
        questions=queries.published_questions(competition) if scope.get("qa") else [],
        protocol=bool(scope.get("protocol")),
        entries=entries,
    )


@dataclass(frozen=True)
class Document:
    path: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _redacted_notice(reason: str) -> str:
    return _("[Redacted: %(reason)s]", reason=reason)


def documents(package: PackageView) -> list[Document]:
    """Every file of the package except the index, in the requester's language (call inside force_locale)."""
    docs = []
    if package.call is not None:
        docs.append(Document("01-call.json", json.dumps(package.call, ensure_ascii=False, indent=2).encode()))
    if package.request.scope.get("qa"):
        lines = []
        for number, q in enumerate(package.questions, start=1):
            lines += [_("Question %(n)s:", n=number), q.public_body or "", "", _("Answer:"), q.answer or "", ""]
        docs.append(Document("02-questions-and-answers.txt", "\n".join(lines).encode()))
    if package.protocol:
        from compete.audit import protocol

        built = protocol.build(package.request.competition)
        docs.append(Document("03-protocol.json", json.dumps(built, ensure_ascii=False, indent=2).encode()))
    storage = get_storage()
    for entry in package.entries:
        lines = [
            _("Stage: %(n)s. %(name)s", n=entry.submission.stage.position, name=entry.submission.stage.name),
            _("Participant: %(name)s", name=entry.submission.organisation.name),
            "",
        ]
        for f in entry.fields:
            lines += [f"## {f.label}", f.text if f.text is not None else _redacted_notice(f.reason), ""]
        docs.append(Document(f"{entry.folder}/content.txt", "\n".join(lines).encode()))
        for f in entry.files:
            a = f.attachment
            if f.redacted:
                notice = _(
                    "The file %(name)s is withheld. %(notice)s", name=a.filename, notice=_redacted_notice(f.reason)
                )
                docs.append(Document(f"{entry.folder}/files/{a.id}-{a.filename}.withheld.txt", notice.encode()))
            else:
                docs.append(Document(f"{entry.folder}/files/{a.id}-{a.filename}", storage.read(a.storage_key)))
    return docs


def index_pdf(package: PackageView, docs: list[Document], generated_at) -> bytes:
    from weasyprint import HTML

    html = render_template("innsyn/index_pdf.html", package=package, docs=docs, generated_at=generated_at)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def build_zip(package: PackageView, generated_at) -> bytes:
    """The ZIP the requester receives: index.pdf first, then the documents."""
    with force_locale(package.request.language):
        docs = documents(package)
        index = index_pdf(package, docs, generated_at)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("00-index.pdf", index)
        for doc in docs:
            archive.writestr(doc.path, doc.data)
    return out.getvalue()
