"""Demo submissions: 12 idea sketches (with generated PDFs) and a few drafts in "Unge på vei til jobb",
and receipts plus one logged late attempt in the closed competition. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from compete.accounts.models import Membership, Organisation, User
from compete.competitions.models import Competition
from compete.core.time import frozen_at, now
from compete.extensions import db
from compete.submissions import services
from compete.submissions.models import LateAttempt, Submission

IDEAS = [
    (
        "Jobbvenner",
        "Unge mangler et nettverk inn i arbeidslivet.",
        "En frivillig jobbvenn fra en lokal bedrift følger hver ungdom i seks måneder.",
    ),
    (
        "Verkstedet",
        "Mange lærer best med hendene, men tiltakene er på papir.",
        "Et ekte verksted der ungdommene produserer varer for lokale kunder.",
    ),
    (
        "Steg for steg",
        "Avklaringen tar for lang tid og skjer uten ungdommen.",
        "Ukentlige samtaler der ungdommen selv setter målene og følger dem opp i en app.",
    ),
    ("Kafé Start", "Unge får ikke prøve seg i ekte jobb.", "En sosial kafé med lønnet praksis og fagbrev som mål."),
    ("Ut på tur", "Psykisk helse står i veien for jobb.", "Friluftsliv i grupper kombinert med arbeidstrening."),
    (
        "Lærling+",
        "Bedrifter tør ikke ta inn unge uten erfaring.",
        "Et mentorprogram som deler risikoen med bedriften det første året.",
    ),
    ("Digital vei", "Unge i distriktene har langt til tiltak.", "Oppfølging på video med lokale praksisplasser."),
    (
        "Sammen",
        "Foreldre og skole er ikke med i avklaringen.",
        "Felles møter med ungdom, foresatte, skole og NAV hver måned.",
    ),
    ("Grønn jobb", "Det mangler folk i grønne næringer.", "Arbeidstrening i gartneri og landbruk med sertifisering."),
    (
        "Neste kapittel",
        "Unge med innvandrerbakgrunn møter språkbarrierer.",
        "Språktrening på arbeidsplassen med egen veileder.",
    ),
    (
        "Spillverket",
        "Mange unge er gode på teknologi men faller ut av skolen.",
        "Et spillstudio der ungdommene lager spill for kommunen.",
    ),
    (
        "Fotfeste",
        "Bolig og økonomi må på plass før jobb.",
        "En koordinator som ordner bolig, økonomi og jobb i samme løp.",
    ),
]


def _pdf(title: str, text: str) -> bytes:
    from weasyprint import HTML

    html = (
        f'<html lang="nb"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="author" content="Demo"></head><body><h1>{title}</h1><p>{text}</p></body></html>'
    )
    return HTML(string=html).write_pdf()


def _applicants() -> list[tuple[User, Organisation]]:
    rows = db.session.execute(
        select(User, Organisation)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(User.email.like("applicant%@demo.test"))
        .order_by(User.id)
    ).all()
    return [(user, org) for user, org in rows]


CATEGORY_MIX = (0, 0, 1, 0, 2, 0, 1, 0, 0, 2, 0, 1)  # indexes into the call's eligibility categories


def _fill(competition: Competition, *, submitted: int, drafts: int, moment) -> None:
    stage = competition.stages[0]
    keys = [f.key for f in stage.fields]
    for index, (user, organisation) in enumerate(_applicants()[: submitted + drafts]):
        existing = db.session.scalars(
            select(Submission).where(Submission.stage_id == stage.id, Submission.organisation_id == organisation.id)
        ).first()
        if existing is not None:
            continue
        name, problem, solution = IDEAS[index % len(IDEAS)]
        categories = [c.name for c in competition.eligibility_categories]
        # Mostly social entrepreneurs, some start-ups and non-profits: the statistics have a mix to show.
        category = categories[CATEGORY_MIX[index % len(CATEGORY_MIX)] % len(categories)] if categories else ""
        with frozen_at(moment + timedelta(minutes=index)):
            submission = services.start_submission(stage, user, organisation, category)
            content = dict.fromkeys(keys, f"{name}: {solution}")
            if "problem" in content:
                content["problem"] = problem
            services.save_draft(submission, user, content)
            if index < submitted:
                services.add_attachment(
                    submission, user, stage.file_slots[0].key, f"{name}.pdf", _pdf(name, f"{problem} {solution}")
                )
                services.submit(submission, user, f"demo-{competition.slug}-{organisation.id}")


DRAFTERS = [
    ("draft1@demo.test", "Dina Utkast", "Ungt Initiativ AS", "813579138"),
    ("draft2@demo.test", "Didrik Utkast", "Idéverkstedet SA", "824680248"),
]


def _drafts(competition: Competition, accounts: list[tuple[str, str]]) -> None:
    """Two more participants with unfinished drafts, so the officer sees drafts are not submissions."""
    from compete.accounts.models import MemberRole, OrgCategory
    from compete.demo import password_hash

    stage = competition.stages[0]
    for index, (email, name, org_name, orgnr) in enumerate(DRAFTERS):
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            moment = now()
            user = User(
                email=email,
                name=name,
                password_hash=password_hash(),
                email_verified_at=moment,
                privacy_accepted_at=moment,
                password_changed_at=moment,
            )
            organisation = Organisation(name=org_name, orgnr=orgnr, country="NO", category=OrgCategory.START_UP)
            db.session.add_all([user, organisation])
            db.session.add(Membership(user=user, organisation=organisation, role=MemberRole.OWNER))
            db.session.flush()
            category = competition.eligibility_categories[1].name if competition.eligibility_categories else ""
            submission = services.start_submission(stage, user, organisation, category)
            _name, problem, _solution = IDEAS[index]
            services.save_draft(submission, user, {"problem": problem})
        accounts.append((email, f"participant with a draft, {org_name}"))


def load(accounts: list[tuple[str, str]]) -> None:
    from compete.competitions.demo import SLUG as CLOSED_SLUG
    from compete.demo import SLUG as OPEN_SLUG

    open_competition = db.session.scalars(select(Competition).where(Competition.slug == OPEN_SLUG)).first()
    if open_competition is not None:
        _fill(open_competition, submitted=12, drafts=0, moment=now() - timedelta(hours=12))
        if open_competition.stages[0].is_open():
            _drafts(open_competition, accounts)
        db.session.flush()
    closed = db.session.scalars(select(Competition).where(Competition.slug == CLOSED_SLUG)).first()
    if closed is not None and closed.stages and closed.stages[0].deadline_at and closed.stages[0].file_slots:
        stage = closed.stages[0]
        _fill(closed, submitted=6, drafts=0, moment=stage.deadline_at - timedelta(days=2))
        late = db.session.scalars(select(LateAttempt).where(LateAttempt.stage_id == stage.id)).first()
        applicants = _applicants()
        if late is None and len(applicants) > 7 and now() > stage.deadline_at:
            user, organisation = applicants[7]
            services.record_late_attempt(
                stage,
                user,
                organisation,
                "submit",
                uploads=[("for-sent.pdf", _pdf("For sent", "Sendt etter fristen."))],
            )
