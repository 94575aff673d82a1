"""Demo data: "Unge på vei til jobb" (NAV) with its accounts. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from sqlalchemy import select

from compete.accounts.models import BuyerStatus, MemberRole, Membership, Organisation, OrgCategory, User
from compete.accounts.passwords import hash_password
from compete.competitions.models import (
    Competition,
    CompetitionOwner,
    Criterion,
    EligibilityCategory,
    FileSlot,
    Stage,
    TemplateField,
)
from compete.competitions.states import CompetitionState, StageKind
from compete.core.time import OSLO, now, oslo_to_utc
from compete.extensions import db

PASSWORD = "demo-password"
SLUG = "unge-pa-vei-til-jobb"

# Valid organisation numbers (MOD11), one per applicant organisation.
APPLICANTS = [
    ("Vekstverket SA", "922222223", OrgCategory.SOCIAL_ENTREPRENEUR),
    ("Ungdomslos AS", "944444440", OrgCategory.START_UP),
    ("Jobbvenn forening", "933333337", OrgCategory.NON_PROFIT),
    ("Tunet arbeid AS", "955555554", OrgCategory.SOCIAL_ENTREPRENEUR),
    ("Mentorbroen AS", "966666668", OrgCategory.START_UP),
    ("Kompass Ung", "977777771", OrgCategory.NON_PROFIT),
    ("Arbeidsglede AS", "988888885", OrgCategory.COMPANY),
    ("Læringsverkstedet AS", "999999999", OrgCategory.START_UP),
    ("Sosial Spire SA", "923456783", OrgCategory.SOCIAL_ENTREPRENEUR),
    ("Neste Steg AS", "934567897", OrgCategory.START_UP),
    ("Fotfeste forening", "913579240", OrgCategory.NON_PROFIT),
    ("Veiviser AS", "924681357", OrgCategory.COMPANY),
]

NAV_ORGNR = "889640782"

BACKGROUND = """\
NAV vil finne nye måter å gjennomføre **avklaringstiltak** for unge under 30 år som står i
fare for å falle utenfor arbeid og utdanning.

Vi ser etter løsninger som:

- tar utgangspunkt i den unges egne mål og ressurser,
- gir tett og individuell oppfølging,
- fører til at flere går over i arbeid eller utdanning.

Konkurransen gjennomføres i StartOff-programmet til DFØ, for innovative anskaffelser fra små leverandører.
"""

CRITERIA = [
    ("Relevans for behovet", "Hvor godt idéen svarer på behovet i utlysningen.", 30),
    ("Nytte for brukeren", "Hvor mye de unge vil ha igjen for løsningen, sett fra deres ståsted.", 30),
    ("Gjennomførbarhet", "Realisme i plan, budsjett og organisering.", 25),
    ("Team og kompetanse", "Erfaring og sammensetning av teamet.", 15),
]
DESCRIPTORS = {"0": "Ikke besvart", "3": "Svakt", "5": "Tilfredsstillende", "8": "Godt", "10": "Fremragende"}


@cache
def password_hash() -> str:
    """One argon2 hash of the shared demo password for every demo account (hashing costs ~0.3 s each)."""
    return hash_password(PASSWORD)


def _user(email: str, name: str, *, is_admin: bool = False) -> User:
    user = db.session.scalars(select(User).where(User.email == email)).first()
    if user is None:
        moment = now()
        user = User(
            email=email,
            name=name,
            password_hash=password_hash(),
            is_admin=is_admin,
            email_verified_at=moment,
            privacy_accepted_at=moment,
            password_changed_at=moment,
        )
        db.session.add(user)
        db.session.flush()
    return user


def _org(name: str, orgnr: str, category: OrgCategory, *, buyer: bool = False) -> Organisation:
    org = db.session.scalars(select(Organisation).where(Organisation.orgnr == orgnr)).first()
    if org is None:
        org = Organisation(
            name=name,
            orgnr=orgnr,
            country="NO",
            category=category,
            buyer_status=BuyerStatus.APPROVED if buyer else BuyerStatus.NONE,
        )
        db.session.add(org)
        db.session.flush()
    return org


def _member(user: User, org: Organisation, role: MemberRole = MemberRole.MEMBER, *, officer: bool = False) -> None:
    exists = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == org.id)
    ).first()
    if exists is None:
        db.session.add(Membership(user=user, organisation=org, role=role, is_officer=officer))
        db.session.flush()


def _stage_template(stage: Stage) -> None:
    fields = [
        ("problem", "long_text", "Problemet", "Hvilket problem løser idéen, og for hvem?", 300),
        ("solution", "long_text", "Løsningen", "Beskriv idéen og hvordan den virker i praksis.", 600),
        ("user_benefit", "long_text", "Nytte for brukeren", "Hva får de unge ut av løsningen?", 300),
        ("feasibility", "long_text", "Gjennomførbarhet", "Hva trengs for å prøve ut idéen?", 300),
        ("team", "long_text", "Team", "Hvem står bak, og hvilken erfaring har dere?", 200),
        ("plan", "long_text", "Plan og budsjett for neste fase", "Hvordan vil dere bruke 50 000 kr?", 300),
    ]
    for position, (key, kind, label, help_text, limit) in enumerate(fields, start=1):
        stage.fields.append(
            TemplateField(
                position=position,
                key=key,
                kind=kind,
                label=label,
                help_text=help_text,
                word_limit=limit,
                required=True,
                personal_data=key == "team",  # names and CVs: minimised for those not selected (R45)
            )
        )
    stage.file_slots.append(
        FileSlot(
            position=1,
            key="sketch",
            label="Idéskisse som PDF (valgfri)",
            allowed_types="pdf",
            max_mb=10,
            required=False,
        )
    )


def _competition(nav: Organisation) -> Competition:
    competition = db.session.scalars(select(Competition).where(Competition.slug == SLUG)).first()
    if competition is not None:
        return competition
    moment = now()
    # Deadline 14 days ahead at 12:00 Oslo time.
    deadline_day = (moment.astimezone(OSLO) + timedelta(days=14)).replace(tzinfo=None)
    deadline = oslo_to_utc(deadline_day.replace(hour=12, minute=0, second=0, microsecond=0))
    competition = Competition(
        slug=SLUG,
        title="Unge på vei til jobb",
        summary="Nye måter å gjennomføre avklaringstiltak for unge under 30 år som står i fare for å falle "
        "utenfor arbeid og utdanning.",
        background=BACKGROUND,
        budget=600_000,
        state=CompetitionState.PUBLISHED,
        jury_binding=False,
        follow_on_contract=True,
        ipr_terms="Deltakeren beholder de immaterielle rettighetene til løsningen. NAV får en vederlagsfri, "
        "ikke-eksklusiv bruksrett til det som utvikles i fase 2 og 3.",
        standstill_days=10,
        default_language="nb",
        published_at=moment - timedelta(days=1),
    )
    competition.owners.append(CompetitionOwner(organisation=nav, is_lead=True))
    competition.eligibility_categories.extend(
        [
            EligibilityCategory(
                position=1,
                name="Sosial entreprenør",
                definition="En virksomhet som har som hovedformål å løse et samfunnsproblem, og som "
                "bruker overskuddet til å nå det målet.",
                self_check_question="Er hovedformålet til virksomheten å løse et samfunnsproblem?",
            ),
            EligibilityCategory(
                position=2,
                name="Oppstartsbedrift",
                definition="En virksomhet registrert for mindre enn fem år siden.",
                self_check_question="Ble virksomheten registrert for mindre enn fem år siden?",
                max_registration_years=5,
            ),
            EligibilityCategory(
                position=3,
                name="Ideell organisasjon",
                definition="En organisasjon uten erverv som formål.",
                self_check_question="Er organisasjonen ikke-kommersiell?",
            ),
        ]
    )
    stages = [
        (
            "Idéskisse",
            StageKind.IDEA_SKETCH,
            3,
            50_000,
            True,
            moment - timedelta(days=1),
            deadline,
            deadline - timedelta(days=5),
        ),
        (
            "Videreutvikling",
            StageKind.FURTHER_DEVELOPMENT,
            1,
            450_000,
            False,
            deadline + timedelta(days=35),
            deadline + timedelta(days=77),
            deadline + timedelta(days=70),
        ),
        (
            "Utvikle løsningen",
            StageKind.SOLUTION_DEVELOPMENT,
            1,
            0,
            False,
            deadline + timedelta(days=100),
            deadline + timedelta(days=465),
            None,
        ),
    ]
    for position, (name, kind, advancing, award, anonymous, opens, closes, questions) in enumerate(stages, 1):
        stage = Stage(
            position=position,
            name=name,
            kind=kind,
            opens_at=opens,
            deadline_at=closes,
            question_deadline_at=questions,
            advancing_count=advancing,
            award_amount=award,
            anonymous=anonymous,
            tie_break_rule="highest_first_criterion",
        )
        if kind != StageKind.SOLUTION_DEVELOPMENT:
            for c_pos, (c_name, description, weight) in enumerate(CRITERIA, start=1):
                stage.criteria.append(
                    Criterion(
                        position=c_pos,
                        name=c_name,
                        description=description,
                        weight=weight,
                        scale_min=0,
                        scale_max=10,
                        descriptors=dict(DESCRIPTORS),
                    )
                )
            _stage_template(stage)
        competition.stages.append(stage)
    db.session.add(competition)
    db.session.flush()
    return competition


DEMO_SEED = "unge-pa-vei-til-jobb"


def load_demo() -> list[tuple[str, str]]:
    """Create (or find) the demo accounts, organisations and competitions; flush only. Every random
    choice (the entries' codes, which order the jury's scores) is seeded, so every build tells the
    same story: the same ranking, the same winner and the same contractor."""
    from compete.submissions.services.drafting import seeded_codes

    with seeded_codes(DEMO_SEED):
        return _load_demo()


def _load_demo() -> list[tuple[str, str]]:
    accounts: list[tuple[str, str]] = []
    nav = _org("NAV", NAV_ORGNR, OrgCategory.PUBLIC_BODY, buyer=True)
    admin = _user("admin@demo.test", "Ada Admin", is_admin=True)
    accounts.append((admin.email, "platform administrator"))
    officer = _user("officer@demo.test", "Ola Innkjøper")
    _member(officer, nav, MemberRole.OWNER, officer=True)
    accounts.append((officer.email, "procurement officer, NAV"))
    treasurer = _user("treasurer@demo.test", "Kari Kasserer")
    _member(treasurer, nav, officer=True)
    accounts.append((treasurer.email, "officer at NAV who registers payments as paid (four eyes, R37)"))
    functionary = _user("functionary@demo.test", "Fride Funksjonær")
    _member(functionary, nav, officer=True)
    accounts.append((functionary.email, "functionary (anonymiser), NAV"))
    for i in range(1, 5):
        juror = _user(f"juror{i}@demo.test", f"Jurymedlem {i}")
        accounts.append((juror.email, "juror"))
    accounts.append((_user("userrep@demo.test", "Brita Brukerrepresentant").email, "user representative (juror seat)"))
    accounts.append((_user("verifier@demo.test", "Vera Verifikator").email, "outcome verifier"))
    for i, (name, orgnr, category) in enumerate(APPLICANTS, start=1):
        applicant = _user(f"applicant{i}@demo.test", f"Søker {i}")
        org = _org(name, orgnr, category)
        _member(applicant, org, MemberRole.OWNER)
        accounts.append((applicant.email, f"participant, {name} ({category.value})"))
    _competition(nav)
    db.session.flush()
    # Each domain adds its own demo data in compete/<domain>/demo.py: load(accounts).
    import importlib

    from compete import DOMAINS

    for domain in DOMAINS:
        try:
            module = importlib.import_module(f"compete.{domain}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"compete.{domain}.demo":
                raise
            continue
        module.load(accounts)
    # Register data from a bundled copy: the demo never asks the real Enhetsregisteret.
    from compete.accounts.register_demo import apply_demo_register

    apply_demo_register()
    return accounts
