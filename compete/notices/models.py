"""What the eForms notices need that the competition does not already hold, and each generated notice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import User
from compete.competitions.models import Competition
from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db

KIND_CONTEST = "cn-desg"  # design contest notice, subtype 23 (and its change notices)
KIND_RESULT = "can-desg"  # design contest result notice, subtype 36
SUBTYPES = {KIND_CONTEST: "23", KIND_RESULT: "36"}


class NoticeSettings(TimestampMixin, db.Model):
    """The officer's choices for the notices of one competition (CPV, NUTS, buyer type, contacts, review body).

    `addresses` maps an organisation's id (as text: an owner, or a winner for the result notice) to
    {"street", "postal_code", "city", "nuts", "email", "phone"}; `review_body` holds the same keys plus
    "name" and "orgnr". `procedure_uuid` is the procedure identifier (BT-04) shared by every notice of
    the competition. The notice's texts must be in an EU language (TED): `title_en`/`description_en`,
    else the call's own title and summary are sent.
    """

    __tablename__ = "notice_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False, unique=True)
    procedure_uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    cpv_codes: Mapped[str] = mapped_column(String(200), nullable=False)  # "85000000-9 73000000-2", main first
    nuts_code: Mapped[str] = mapped_column(String(5), nullable=False)
    buyer_legal_type: Mapped[str] = mapped_column(String(20), nullable=False)
    buyer_activity: Mapped[str] = mapped_column(String(20), nullable=False)
    addresses: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    review_body: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    title_en: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    description_en: Mapped[str] = mapped_column(Text, default="", nullable=False)

    competition: Mapped[Competition] = relationship()

    @property
    def cpv_list(self) -> list[str]:
        return self.cpv_codes.split()


class GeneratedNotice(TimestampMixin, db.Model):
    """One generated eForms notice: the XML exactly as validated and downloaded, its validation result,
    and the Doffin reference once the officer has published it.

    `validation` is None while the Schematron check waits for the worker, else {"xsd": [...], "rules": [...]}.
    """

    __tablename__ = "eforms_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    notice_uuid: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    call_version: Mapped[int | None] = mapped_column(Integer)
    changes_notice_id: Mapped[int | None] = mapped_column(ForeignKey("eforms_notices.id"))
    xml: Mapped[str] = mapped_column(Text, nullable=False)
    validation: Mapped[dict | None] = mapped_column(JSON)
    is_valid: Mapped[bool | None] = mapped_column(Boolean)
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    generated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    doffin_reference: Mapped[str | None] = mapped_column(String(40))
    published_on: Mapped[date | None] = mapped_column(Date)

    competition: Mapped[Competition] = relationship()
    generated_by: Mapped[User] = relationship()
    changes: Mapped[GeneratedNotice | None] = relationship(remote_side=[id])

    __table_args__ = (UniqueConstraint("competition_id", "doffin_reference", name="uq_eforms_notices_reference"),)

    @property
    def subtype(self) -> str:
        return SUBTYPES[self.kind]

    @property
    def is_change(self) -> bool:
        return self.changes_notice_id is not None
