"""eForms notices: the demo's notices pass the XSD and every Schematron rule, a fully filled one passes,
a broken one shows its rule ids to the officer, and only the buyer's officers reach the pages."""

from datetime import date

from lxml import etree
from sqlalchemy import select

from compete.accounts.models import User
from compete.audit.models import AuditEntry
from compete.audit.services import Actor
from compete.competitions.models import Competition, CompetitionOwner
from compete.competitions.services import _new_version
from compete.extensions import db
from compete.notices import queries, services
from compete.notices.codes import cpv_check_digit
from compete.notices.demo import FINISHED_SLUG, OPEN_SLUG, settings_for
from compete.notices.generator import NS
from compete.notices.models import KIND_CONTEST, KIND_RESULT, GeneratedNotice
from compete.notices.validation import xsd_errors
from tests.factories import login, make_org
from tests.factories_competitions import make_setup

URL = "https://compete.test/competitions/c"
EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"


def _xpath(notice: GeneratedNotice, path: str) -> list[str]:
    return [n.text for n in etree.fromstring(notice.xml.encode()).xpath(path, namespaces=NS)]


def _rules(notice: GeneratedNotice) -> list[str]:
    return [f["rule"] for f in notice.validation["rules"]]


def test_the_demo_notices_pass_the_xsd_and_every_schematron_rule(app, schematron, eforms_cache):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    officer = db.session.scalars(select(User).where(User.email == "officer@demo.test")).one()
    open_call = db.session.scalars(select(Competition).where(Competition.slug == OPEN_SLUG)).one()
    finished = db.session.scalars(select(Competition).where(Competition.slug == FINISHED_SLUG)).one()
    actor = Actor(officer, open_call.lead_buyer, "officer")

    contest = services.generate(open_call, actor, KIND_CONTEST, documents_url=URL)
    result = services.generate(finished, actor, KIND_RESULT, documents_url=URL)
    late = services.generate(finished, actor, KIND_CONTEST, documents_url=URL)  # its deadline has passed
    assert services.validate_pending(eforms_cache) == 3

    assert [(n.is_valid, n.validation) for n in (contest, result)] == [(True, {"xsd": [], "rules": []})] * 2
    assert xsd_errors(contest.xml.encode()) == xsd_errors(result.xml.encode()) == []
    assert _xpath(contest, f"{EXT}/efac:NoticeSubType/cbc:SubTypeCode") == ["23"]
    assert _xpath(contest, "cac:ProcurementProject/cac:MainCommodityClassification/cbc:ItemClassificationCode") == [
        "85000000"
    ]
    assert _xpath(contest, "cac:ProcurementProject/cac:RealizedLocation/cac:Address/cbc:Region") == ["anyw-cou"]
    assert (
        len(_xpath(contest, "cac:ProcurementProjectLot/cac:TenderingTerms/cac:AwardingTerms/cac:Prize/cbc:RankCode"))
        == 2
    )
    assert _xpath(result, f"{EXT}/efac:NoticeSubType/cbc:SubTypeCode") == ["36"]
    assert _xpath(
        result,
        f"{EXT}/efac:NoticeResult/efac:LotResult/efac:ReceivedSubmissionsStatistics"
        "[efbc:StatisticsCode='tenders']/efbc:StatisticsNumeric",
    ) == ["12"]
    assert len(_xpath(result, f"{EXT}/efac:NoticeResult/efac:TenderingParty/cbc:ID")) == 1
    assert "Prizes and payments made:" in _xpath(result, "cac:ProcurementProject/cbc:Note")[0]
    assert (late.is_valid, _rules(late)) == (False, ["BR-BT-00131-0151"])

    # Published on Doffin, then the call is amended: the change notice is offered and passes too.
    services.record_publication(contest, actor, "2026-123456", date(2026, 12, 2))
    _new_version(open_call, actor, 2, "Fristen er flyttet.")
    offers = queries.offers(open_call, queries.notices_of(open_call), queries.latest_call_version(open_call))
    (change_offer,) = [o for o in offers if o.change_of is not None]
    change = services.generate(open_call, actor, KIND_CONTEST, documents_url=URL, change_of=change_offer.change_of)
    services.validate(change, eforms_cache)
    assert (change.is_valid, change.call_version, change.changes_notice_id) == (True, 2, contest.id)
    assert _xpath(change, f"{EXT}/efac:Changes/efbc:ChangedNoticeIdentifier") == [f"{contest.notice_uuid}-01"]
    assert _xpath(change, f"{EXT}/efac:Changes/efac:Change/efbc:ChangeDescription") == ["Fristen er flyttet."]


def _filled_world():
    setup = make_setup()
    co_owner = make_org(buyer=True, name="Innlandet fylkeskommune")
    setup.competition.owners.append(CompetitionOwner(organisation=co_owner, is_lead=False))
    setup.competition.jury_binding = True
    db.session.flush()
    settings = settings_for(setup.competition)
    settings.cpv_codes = "73000000-2 85000000-9 72000000-5"
    settings.nuts_code = "NO020"
    settings.addresses[str(co_owner.id)] = {
        "street": "Postboks 4404 Bedriftssenteret",
        "postal_code": "2325",
        "city": "Hamar",
        "nuts": "NO020",
        "email": "post@innlandetfylke.no",
        "phone": "+47 62 00 08 00",
    }
    settings.title_en = "Young people on their way to work"
    settings.description_en = "A staged design contest with prizes."
    db.session.add(settings)
    db.session.flush()
    return setup


def test_a_competition_with_every_optional_part_filled_passes(app, schematron, eforms_cache):
    setup = _filled_world()
    notice = services.generate(setup.competition, setup.actor, KIND_CONTEST, documents_url=URL)
    services.validate(notice, eforms_cache)

    assert (notice.is_valid, notice.validation) == (True, {"xsd": [], "rules": []})
    assert _xpath(notice, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID") == ["ORG-0001", "ORG-0002"]
    assert _xpath(notice, f"{EXT}/efac:Organizations/efac:Organization/efbc:GroupLeadIndicator") == ["true", "false"]
    assert _xpath(
        notice, "cac:ProcurementProject/cac:AdditionalCommodityClassification/cbc:ItemClassificationCode"
    ) == [
        "85000000",
        "72000000",
    ]
    assert _xpath(notice, "cac:ProcurementProject/cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode") == [
        "NO020"
    ]
    terms = "cac:ProcurementProjectLot/cac:TenderingTerms/cac:AwardingTerms"
    assert _xpath(notice, f"{terms}/cbc:BindingOnBuyerIndicator") == ["true"]
    assert _xpath(notice, f"{terms}/cbc:FollowupContractIndicator") == ["true"]
    assert _xpath(notice, f"{terms}/cac:Prize/cbc:ValueAmount") == ["50000", "450000"]
    assert _xpath(notice, "cac:ProcurementProject/cbc:Name") == ["Young people on their way to work"]


def test_a_broken_notice_shows_its_rule_ids_to_the_officer(app, client, schematron, eforms_cache):
    setup = make_setup()
    login(client, setup.officer, setup.buyer)
    unknown_cpv = f"99999999-{cpv_check_digit('99999999')}"
    form = {
        "cpv_codes": unknown_cpv,
        "nuts_code": "NO081",
        "buyer_legal_type": "la",
        "buyer_activity": "gen-pub",
        f"org{setup.buyer.id}-postal_code": "0150",
        f"org{setup.buyer.id}-city": "Oslo",
        f"org{setup.buyer.id}-nuts": "NO081",
        f"org{setup.buyer.id}-phone": "+47 22 00 00 00",
        f"org{setup.buyer.id}-email": "post@kommune.test",
        "review-name": "Klagenemnda for offentlige anskaffelser (KOFA)",
        "review-orgnr": "984195796",
        "review-postal_code": "5805",
        "review-city": "Bergen",
        "review-nuts": "NO0A2",
    }
    slug = setup.competition.slug
    base = f"/manage/competitions/{slug}/notices"

    bad = client.post(f"{base}/settings", data={**form, "cpv_codes": "73000000-3"})
    saved = client.post(f"{base}/settings", data=form)
    generated = client.post(f"{base}/generate", data={"kind": KIND_CONTEST})
    notice = db.session.scalars(select(GeneratedNotice)).one()
    waiting = client.get(f"{base}/{notice.id}")
    early_download = client.get(f"{base}/{notice.id}/download")
    services.validate_pending(eforms_cache)
    db.session.commit()
    page = client.get(f"{base}/{notice.id}")
    download = client.get(f"{base}/{notice.id}/download")

    assert bad.status_code == 400
    assert "Ikke en CPV-kode med riktig kontrollsiffer: 73000000-3" in bad.get_data(as_text=True)
    assert (saved.status_code, generated.status_code) == (302, 303)
    assert "Validerer" in waiting.get_data(as_text=True)
    assert early_download.status_code == 302
    html = page.get_data(as_text=True)
    assert notice.is_valid is False
    rules = _rules(notice)
    assert rules and all(rule in html for rule in rules)
    assert "BR-BT-00262-0153" in rules  # the main CPV code is not in the CPV list
    assert "Mangler eller er ikke tillatt: hoved-CPV-koden." in html
    assert (download.status_code, download.mimetype) == (200, "application/xml")
    assert download.data == notice.xml.encode()
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("notices.%"))).all()
    assert sorted(actions) == ["notices.downloaded", "notices.generated", "notices.settings_saved"]


def test_the_officer_records_the_doffin_reference_of_a_valid_notice(app, client, eforms_cache, schematron):
    setup = _filled_world()
    notice = services.generate(setup.competition, setup.actor, KIND_CONTEST, documents_url=URL)
    services.validate(notice, eforms_cache)
    db.session.commit()
    login(client, setup.officer, setup.buyer)
    url = f"/manage/competitions/{setup.competition.slug}/notices/{notice.id}"

    wrong = client.post(url, data={"doffin_reference": "<b>", "published_on": "2026-12-02"})
    right = client.post(url, data={"doffin_reference": "2026-123456", "published_on": "2026-12-02"})
    index = client.get(f"/manage/competitions/{setup.competition.slug}/notices")

    assert (wrong.status_code, right.status_code) == (400, 303)
    assert (notice.doffin_reference, notice.published_on) == ("2026-123456", date(2026, 12, 2))
    assert "2026-123456" in index.get_data(as_text=True)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "notices.published")).one()
    assert entry.after == {"doffin_reference": "2026-123456", "published_on": "2026-12-02"}


def test_only_the_buyers_officers_reach_the_notices(app, client):
    setup = make_setup()
    db.session.add(settings_for(setup.competition))
    notice = services.generate(setup.competition, setup.actor, KIND_CONTEST, documents_url=URL)
    db.session.commit()
    base = f"/manage/competitions/{setup.competition.slug}/notices"
    urls = [base, f"{base}/settings", f"{base}/{notice.id}", f"{base}/{notice.id}/download"]

    def statuses(user=None, org=None):
        if user is not None:
            login(client, user, org)
        return [client.get(url).status_code for url in urls]

    anonymous = statuses()
    participant = statuses(setup.participant, setup.participant_org)
    other_officer = statuses(setup.other_officer, setup.other_buyer)
    officer = statuses(setup.officer, setup.buyer)
    generate_as_other = None
    login(client, setup.other_officer, setup.other_buyer)
    generate_as_other = client.post(f"{base}/generate", data={"kind": KIND_CONTEST}).status_code

    assert anonymous == [302] * 4
    assert participant == [403] * 4
    assert other_officer == [403] * 4
    assert officer == [200, 200, 200, 302]  # the download waits for the validation
    assert generate_as_other == 403


def test_the_notices_page_takes_the_same_queries_for_1_and_20_notices(app, client, count_queries):
    setup = make_setup()
    db.session.add(settings_for(setup.competition))
    login(client, setup.officer, setup.buyer)
    url = f"/manage/competitions/{setup.competition.slug}/notices"
    counts = []
    for total in (1, 20):
        while len(queries.notices_of(setup.competition)) < total:
            services.generate(setup.competition, setup.actor, KIND_CONTEST, documents_url=URL)
        db.session.commit()
        with count_queries() as counter:
            page = client.get(url)
        assert page.status_code == 200
        counts.append(counter.count)

    assert counts[0] == counts[1]


def test_the_worker_job_validates_waiting_notices(app, schematron):
    from compete.notices.jobs import validate_notices

    setup = make_setup()
    db.session.add(settings_for(setup.competition))
    notice = services.generate(setup.competition, setup.actor, KIND_CONTEST, documents_url=URL)

    assert (notice.validated_at, validate_notices(), validate_notices()) == (None, 1, 0)
    assert (notice.is_valid, notice.validation) == (True, {"xsd": [], "rules": []})
