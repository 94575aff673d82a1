"""Demo data for innsyn (R44): in the finished competition, a journalist's request some weeks after the
winner was paid, answered two working days later with a package in which the officer redacted the team
descriptions (personal data) besides any business secret the participants marked. Flush only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from compete.audit.services import Actor
from compete.competitions.models import Competition, Stage
from compete.core.time import frozen_at
from compete.extensions import db
from compete.innsyn import queries, services
from compete.innsyn.models import InnsynRequest

REASON = "Personopplysninger om de ansatte (forvaltningsloven § 13 første ledd nr. 1)."


def answer_request(competition: Competition, officer: Actor, received_at, stage: Stage) -> InnsynRequest | None:
    """Register, prepare (the entries of `stage`) and release one request. Does nothing if one exists."""
    if db.session.scalars(select(InnsynRequest).where(InnsynRequest.competition_id == competition.id)).first():
        return None
    with frozen_at(received_at):
        request = services.register_request(
            competition,
            officer,
            name="Ingrid Journalist",
            email="ingrid.journalist@demo.test",
            subject="Utlysningen, spørsmål og svar, protokollen og bidragene i siste fase.",
        )
    entries = [s for s in queries.candidates(competition) if s.stage_id == stage.id]
    extra = {
        f"{s.current_version.id}:field:team": REASON for s in entries if "team" in (s.current_version.content or {})
    }
    with frozen_at(received_at + timedelta(days=1)):
        services.prepare_package(request, officer, submission_ids=[s.id for s in entries], extra=extra)
    with frozen_at(received_at + timedelta(days=2)):
        services.release(request, officer)
    return request


def load(accounts: list[tuple[str, str]]) -> None:
    """Nothing of its own: the answered request is part of the finished competition's story, built by
    compete/awards/demo_finished.py (so that its e-mail is marked sent with the rest)."""
