"""Demo data for the calls work: version 1 of "Unge på vei til jobb", and a second, closed
competition with three versions and a Q&A history. Idempotent; flush only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from compete.accounts.models import MemberRole, OrgCategory
from compete.audit.services import Actor
from compete.competitions import qa, services
from compete.competitions.models import CallVersion, Competition
from compete.core import time as clock
from compete.core.time import OSLO, now, oslo_to_utc
from compete.extensions import db

SLUG = "unge-i-arbeid-innlandet"
INNLANDET_ORGNR = "920717152"


def load(accounts: list[tuple[str, str]]) -> None:
    from compete.demo import NAV_ORGNR, _member, _org, _user
    from compete.demo import SLUG as MAIN_SLUG

    nav = _org("NAV", NAV_ORGNR, OrgCategory.PUBLIC_BODY, buyer=True)
    officer = _user("officer@demo.test", "Ola Innkjøper")
    nav_actor = Actor(officer, nav, "officer")
    innlandet = _org("Innlandet fylkeskommune", INNLANDET_ORGNR, OrgCategory.PUBLIC_BODY, buyer=True)
    partner = _user("officer.innlandet@demo.test", "Inger Innlandet")
    _member(partner, innlandet, MemberRole.OWNER, officer=True)
    accounts.append((partner.email, "procurement officer, Innlandet fylkeskommune (co-owner)"))

    main = db.session.scalars(select(Competition).where(Competition.slug == MAIN_SLUG)).first()
    if main is not None and _versions(main) == 0:
        services._new_version(main, nav_actor, 1, "")

    if db.session.scalars(select(Competition.id).where(Competition.slug == SLUG)).first() is None and main:
        _closed_competition(main, nav, nav_actor, innlandet, Actor(partner, innlandet, "officer"))


def _versions(competition: Competition) -> int:
    return len(db.session.scalars(select(CallVersion.id).where(CallVersion.competition_id == competition.id)).all())


def _at_oslo_noon(base, days: int):
    day = (base.astimezone(OSLO) + timedelta(days=days)).replace(tzinfo=None)
    return oslo_to_utc(day.replace(hour=12, minute=0, second=0, microsecond=0))


def _closed_competition(source, nav, nav_actor, innlandet, partner_actor) -> None:
    from compete.demo import _user

    real_now = now()
    saved = clock._frozen
    try:
        clock.freeze(real_now - timedelta(days=70))
        competition = services.create_competition(
            nav_actor, nav, title="Unge i arbeid – Innlandet", slug=SLUG, source=source
        )
        services.update_settings(
            competition,
            nav_actor,
            {
                "summary": "Samme modell som «Unge på vei til jobb», gjennomført sammen med Innlandet fylkeskommune.",
                "budget": 600_000,
            },
        )
        services.add_co_owner(competition, nav_actor, innlandet)
        stage_dates = [(-65, -15, -20), (20, 60, 50), (90, 455, None)]
        for stage, (opens, deadline, questions) in zip(competition.stages, stage_dates, strict=False):
            services.save_stage(
                competition,
                nav_actor,
                stage,
                {
                    "opens_at": _at_oslo_noon(real_now, opens),
                    "deadline_at": _at_oslo_noon(real_now, deadline),
                    "question_deadline_at": _at_oslo_noon(real_now, questions) if questions is not None else None,
                },
            )
        services.publish(competition, nav_actor)
        applicants = [_user(f"applicant{i}@demo.test", f"Søker {i}") for i in (1, 2, 3)]
        for user in applicants:
            qa.follow(competition, user, user.memberships[0].organisation if user.memberships else None)
        clock.freeze(real_now - timedelta(days=50))
        q1 = qa.ask_question(
            competition,
            applicants[0],
            applicants[0].memberships[0].organisation,
            "Kan vi levere idéskissen på nynorsk?",
        )
        qa.publish_answer(
            q1, nav_actor, answer="Ja. Skissen kan skrives på bokmål, nynorsk eller engelsk.", public_body=q1.body
        )
        services.update_settings(
            competition,
            partner_actor,
            {"ipr_terms": competition.ipr_terms + " Innlandet fylkeskommune får samme bruksrett som NAV."},
            change_note="Innlandet fylkeskommune er med som medeier og får samme bruksrett.",
        )
        clock.freeze(real_now - timedelta(days=30))
        q2 = qa.ask_question(
            competition,
            applicants[1],
            applicants[1].memberships[0].organisation,
            "Vi i Ungdomslos AS lurer på om to virksomheter kan søke sammen?",
        )
        qa.publish_answer(
            q2,
            partner_actor,
            answer="Ja, dersom én av dem står som ansvarlig søker.",
            public_body="Kan to virksomheter søke sammen?",
        )
        services.update_settings(
            competition,
            nav_actor,
            {"summary": competition.summary + " To eller flere virksomheter kan søke sammen med én ansvarlig søker."},
            change_note="Presisert at flere virksomheter kan søke sammen (se spørsmål og svar).",
        )
    finally:
        if saved is None:
            clock.unfreeze()
        else:
            clock.freeze(saved)
    db.session.flush()
