"""Build eForms notices (UBL 2.3 + eForms extensions, SDK 1.15) with lxml from plain values.

`contest_notice` writes the design contest notice (subtype 23, cn-desg, `ContractNotice`), also as a
change notice (`efac:Changes`); `result_notice` writes the design contest result notice (subtype 36,
can-desg, `ContractAwardNotice`). The element order follows the official examples and the XSD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from compete.core.time import OSLO
from compete.notices.codes import WHOLE_COUNTRY

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
ROOT_NS = {
    "ContractNotice": "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2",
    "ContractAwardNotice": "urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2",
}
LANGUAGE = "ENG"  # the notice's language: TED accepts the EU's official languages only (BR-BT-00702-0102)
SUBMISSION_LANGUAGE = "NOR"  # the language entries are written in (BT-97)
COUNTRY = "NOR"
CURRENCY = "NOK"
CUSTOMIZATION = "eforms-sdk-1.15"
REGULATORY_DOMAIN = "32014L0024"  # Directive 2014/24/EU (anskaffelsesforskriften)
LOT_ID = "LOT-0000"


@dataclass
class Party:
    """An organisation in the notice: a buyer, the review body or a winner."""

    name: str
    orgnr: str
    city: str = ""
    country: str = COUNTRY
    street: str = ""
    postal_code: str = ""
    email: str = ""
    phone: str = ""
    nuts: str = ""
    size: str = ""  # company size (BT-165) of a winner: "sme" or "large"


@dataclass
class Prize:
    rank: int
    amount: int  # whole kroner, per prize
    description: str


@dataclass
class Winner:
    party: Party
    paid: int  # whole kroner paid for the contest (prizes and stage payments)
    reference: str  # the entry's reference (its receipt code)


@dataclass
class NoticeData:
    """Every value a notice shows; built by the services from the competition and the officer's settings."""

    notice_uuid: str
    procedure_uuid: str
    issued_at: datetime
    title: str
    description: str
    buyers: list[Party]
    buyer_legal_type: str
    buyer_activity: str
    review_body: Party
    cpv_codes: list[str]  # eight digits each, main first
    nuts_code: str
    internal_id: str = ""
    documents_url: str = ""
    deadline: datetime | None = None
    prizes: list[Prize] = field(default_factory=list)
    jury_binding: bool | None = None
    follow_on_contract: bool | None = None
    jury_members: list[str] = field(default_factory=list)
    # change notice
    changed_notice: str = ""  # "<uuid>-01" of the notice it changes
    change_description: str = ""
    # result notice
    winners: list[Winner] = field(default_factory=list)
    entries_received: int = 0
    entries_sme: int = 0
    entries_no_eea: int = 0  # from outside the EEA
    entries_other_eea: int = 0  # from another EEA country than Norway
    decided_at: datetime | None = None
    note: str = ""  # additional information (BT-300), e.g. the prizes paid

    def statistics(self) -> dict[str, int]:
        """Entries received (BT-759/BT-760); every entry is received electronically through Compete."""
        return {
            "tenders": self.entries_received,
            "t-sme": self.entries_sme,
            "t-large": self.entries_received - self.entries_sme,
            "t-no-eea": self.entries_no_eea,
            "t-oth-eea": self.entries_other_eea,
            "t-esubm": self.entries_received,
        }


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _el(parent, name: str, text: str | None = None, **attrs):
    node = etree.SubElement(parent, _q(name), {k.replace("_", ""): v for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def _date(moment: datetime) -> str:
    local = moment.astimezone(OSLO)
    return local.strftime("%Y-%m-%d") + _offset(local)


def _time(moment: datetime) -> str:
    local = moment.astimezone(OSLO)
    return local.strftime("%H:%M:%S") + _offset(local)


def _offset(local: datetime) -> str:
    raw = local.strftime("%z")
    return f"{raw[:3]}:{raw[3:]}"


def _org_id(index: int) -> str:
    return f"ORG-{index:04d}"


def _ref(parent, name: str, org: str) -> None:
    ident = _el(_el(parent, name), "cac:PartyIdentification")
    _el(ident, "cbc:ID", org, schemeName="organization")


def _organization(organizations, index: int, party: Party, *, buyer: bool = False, lead: bool | None = None) -> None:
    org = _el(organizations, "efac:Organization")
    if lead is not None:
        _el(org, "efbc:GroupLeadIndicator", str(lead).lower())
    if buyer:
        _el(org, "efbc:AcquiringCPBIndicator", "false")
        _el(org, "efbc:AwardingCPBIndicator", "false")
    company = _el(org, "efac:Company")
    if party.size:
        _el(company, "efbc:CompanySizeCode", party.size, listName="economic-operator-size")
    _el(_el(company, "cac:PartyIdentification"), "cbc:ID", _org_id(index), schemeName="organization")
    _el(_el(company, "cac:PartyName"), "cbc:Name", party.name, languageID=LANGUAGE)
    address = _el(company, "cac:PostalAddress")
    if party.street:
        _el(address, "cbc:StreetName", party.street)
    if party.city:
        _el(address, "cbc:CityName", party.city)
    if party.postal_code:
        _el(address, "cbc:PostalZone", party.postal_code)
    if party.nuts and party.nuts != WHOLE_COUNTRY:
        _el(address, "cbc:CountrySubentityCode", party.nuts, listName="nuts")
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", party.country, listName="country")
    _el(_el(company, "cac:PartyLegalEntity"), "cbc:CompanyID", party.orgnr)
    if party.email or party.phone:
        contact = _el(company, "cac:Contact")
        if party.phone:
            _el(contact, "cbc:Telephone", party.phone)
        if party.email:
            _el(contact, "cbc:ElectronicMail", party.email)


def _root(name: str, subtype: str, data: NoticeData):
    nsmap = {None: ROOT_NS[name], **NS}
    root = etree.Element(f"{{{ROOT_NS[name]}}}{name}", nsmap=nsmap)
    extension = _el(
        _el(_el(_el(root, "ext:UBLExtensions"), "ext:UBLExtension"), "ext:ExtensionContent"), "efext:EformsExtension"
    )
    return root, extension


def _header(root, data: NoticeData, type_code: str, list_name: str) -> None:
    _el(root, "cbc:UBLVersionID", "2.3")
    _el(root, "cbc:CustomizationID", CUSTOMIZATION)
    _el(root, "cbc:ID", data.notice_uuid, schemeName="notice-id")
    _el(root, "cbc:ContractFolderID", data.procedure_uuid)
    _el(root, "cbc:IssueDate", _date(data.issued_at))
    _el(root, "cbc:IssueTime", _time(data.issued_at))
    _el(root, "cbc:VersionID", "01")
    _el(root, "cbc:RegulatoryDomain", REGULATORY_DOMAIN)
    _el(root, "cbc:NoticeTypeCode", type_code, listName=list_name)
    _el(root, "cbc:NoticeLanguageCode", LANGUAGE)


def _contracting_parties(root, data: NoticeData) -> None:
    for index, _buyer in enumerate(data.buyers, start=1):
        party = _el(root, "cac:ContractingParty")
        _el(
            _el(party, "cac:ContractingPartyType"),
            "cbc:PartyTypeCode",
            data.buyer_legal_type,
            listName="buyer-legal-type",
        )
        _el(
            _el(party, "cac:ContractingActivity"),
            "cbc:ActivityTypeCode",
            data.buyer_activity,
            listName="authority-activity",
        )
        _ref(party, "cac:Party", _org_id(index))


def _project(parent, data: NoticeData, internal_id: str, *, note: bool = False) -> None:
    project = _el(parent, "cac:ProcurementProject")
    if internal_id:
        _el(project, "cbc:ID", internal_id, schemeName="InternalID")
    _el(project, "cbc:Name", data.title, languageID=LANGUAGE)
    _el(project, "cbc:Description", data.description, languageID=LANGUAGE)
    _el(project, "cbc:ProcurementTypeCode", "services", listName="contract-nature")
    if note and data.note:
        _el(project, "cbc:Note", data.note, languageID=LANGUAGE)
    main, *additional = data.cpv_codes
    _el(_el(project, "cac:MainCommodityClassification"), "cbc:ItemClassificationCode", main, listName="cpv")
    for code in additional:
        _el(_el(project, "cac:AdditionalCommodityClassification"), "cbc:ItemClassificationCode", code, listName="cpv")
    address = _el(_el(project, "cac:RealizedLocation"), "cac:Address")
    if data.nuts_code == WHOLE_COUNTRY:
        _el(address, "cbc:Region", "anyw-cou")
    else:
        _el(address, "cbc:CountrySubentityCode", data.nuts_code, listName="nuts")
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", COUNTRY, listName="country")


def _organizations(extension, data: NoticeData, winners: list[Party] = ()) -> int:
    organizations = _el(extension, "efac:Organizations")
    joint = len(data.buyers) > 1
    for index, buyer in enumerate(data.buyers, start=1):
        _organization(organizations, index, buyer, buyer=True, lead=(index == 1) if joint else None)
    review = len(data.buyers) + 1
    _organization(organizations, review, data.review_body)
    for offset, winner in enumerate(winners, start=1):
        _organization(organizations, review + offset, winner)
    return review


def _changes(extension, data: NoticeData) -> None:
    changes = _el(extension, "efac:Changes")
    _el(changes, "efbc:ChangedNoticeIdentifier", data.changed_notice)
    change = _el(changes, "efac:Change")
    _el(change, "efbc:ChangeDescription", data.change_description, languageID=LANGUAGE)
    _el(_el(change, "efac:ChangedSection"), "efbc:ChangedSectionIdentifier", LOT_ID)
    reason = _el(changes, "efac:ChangeReason")
    _el(reason, "cbc:ReasonCode", "update-add", listName="change-corrig-justification")


def contest_notice(data: NoticeData) -> bytes:
    """The design contest notice (subtype 23); a change notice when `data.changed_notice` is set."""
    root, extension = _root("ContractNotice", "23", data)
    if data.changed_notice:
        _changes(extension, data)
    _el(_el(extension, "efac:NoticeSubType"), "cbc:SubTypeCode", "23", listName="notice-subtype")
    review = _organizations(extension, data)
    _header(root, data, "cn-desg", "competition")
    _contracting_parties(root, data)
    terms = _el(root, "cac:TenderingTerms")
    requirement = _el(_el(terms, "cac:TendererQualificationRequest"), "cac:SpecificTendererRequirement")
    _el(requirement, "cbc:TendererRequirementTypeCode", "epo-procurement-document", listName="exclusion-grounds-source")
    _el(_el(root, "cac:TenderingProcess"), "cbc:ProcedureCode", "open", listName="procurement-procedure-type")
    _project(root, data, data.internal_id, note=True)

    lot = _el(root, "cac:ProcurementProjectLot")
    _el(lot, "cbc:ID", LOT_ID, schemeName="Lot")
    lot_terms = _el(lot, "cac:TenderingTerms")
    _el(lot_terms, "cbc:FundingProgramCode", "no-eu-funds", listName="eu-funded")
    if data.documents_url:
        document = _el(lot_terms, "cac:CallForTendersDocumentReference")
        _el(document, "cbc:ID", "CALL")
        _el(document, "cbc:DocumentType", "non-restricted-document")
        _el(_el(_el(document, "cac:Attachment"), "cac:ExternalReference"), "cbc:URI", data.documents_url)
    requirement = _el(_el(lot_terms, "cac:TendererQualificationRequest"), "cac:SpecificTendererRequirement")
    _el(
        requirement, "cbc:TendererRequirementTypeCode", "epo-procurement-document", listName="selection-criteria-source"
    )
    awarding = _el(lot_terms, "cac:AwardingTerms")
    if data.follow_on_contract is not None:
        _el(awarding, "cbc:FollowupContractIndicator", str(data.follow_on_contract).lower())
    if data.jury_binding is not None:
        _el(awarding, "cbc:BindingOnBuyerIndicator", str(data.jury_binding).lower())
    for member in data.jury_members:
        _el(_el(awarding, "cac:TechnicalCommitteePerson"), "cbc:FirstName", member)
    for prize in data.prizes:
        node = _el(awarding, "cac:Prize")
        _el(node, "cbc:RankCode", str(prize.rank))
        _el(node, "cbc:ValueAmount", str(prize.amount), currencyID=CURRENCY)
        _el(node, "cbc:Description", prize.description, languageID=LANGUAGE)
    _ref(lot_terms, "cac:TenderRecipientParty", _org_id(1))
    _ref(_el(lot_terms, "cac:AppealTerms"), "cac:AppealReceiverParty", _org_id(review))
    _el(_el(lot_terms, "cac:Language"), "cbc:ID", SUBMISSION_LANGUAGE)
    process = _el(lot, "cac:TenderingProcess")
    _el(process, "cbc:SubmissionMethodCode", "required", listName="esubmission")
    if data.deadline is not None:
        period = _el(process, "cac:TenderSubmissionDeadlinePeriod")
        _el(period, "cbc:EndDate", _date(data.deadline))
        _el(period, "cbc:EndTime", _time(data.deadline))
    _project(lot, data, data.internal_id or "LOT")
    return _bytes(root)


def result_notice(data: NoticeData) -> bytes:
    """The design contest result notice (subtype 36): winners, entries received, prizes paid."""
    root, extension = _root("ContractAwardNotice", "36", data)
    result = _el(extension, "efac:NoticeResult")
    lot_result = _el(result, "efac:LotResult")
    _el(lot_result, "cbc:ID", "RES-0001", schemeName="result")
    _el(
        lot_result, "cbc:TenderResultCode", "selec-w" if data.winners else "clos-nw", listName="winner-selection-status"
    )
    for index, _winner in enumerate(data.winners, start=1):
        _el(_el(lot_result, "efac:LotTender"), "cbc:ID", f"TEN-{index:04d}", schemeName="tender")
    for code, count in data.statistics().items():
        statistics = _el(lot_result, "efac:ReceivedSubmissionsStatistics")
        _el(statistics, "efbc:StatisticsCode", code, listName="received-submission-type")
        _el(statistics, "efbc:StatisticsNumeric", str(count))
    if data.winners:
        _el(_el(lot_result, "efac:SettledContract"), "cbc:ID", "CON-0001", schemeName="contract")
    _el(_el(lot_result, "efac:TenderLot"), "cbc:ID", LOT_ID, schemeName="Lot")
    review = len(data.buyers) + 1
    for index, winner in enumerate(data.winners, start=1):
        tender = _el(result, "efac:LotTender")
        _el(tender, "cbc:ID", f"TEN-{index:04d}", schemeName="tender")
        _el(tender, "cbc:RankCode", str(index))
        _el(_el(tender, "efac:TenderingParty"), "cbc:ID", f"TPA-{index:04d}", schemeName="tendering-party")
        _el(_el(tender, "efac:TenderLot"), "cbc:ID", LOT_ID, schemeName="Lot")
        _el(_el(tender, "efac:TenderReference"), "cbc:ID", winner.reference)
    if data.winners:
        contract = _el(result, "efac:SettledContract")
        _el(contract, "cbc:ID", "CON-0001", schemeName="contract")
        if data.decided_at is not None:
            _el(contract, "cbc:AwardDate", _date(data.decided_at))
        for index, _winner in enumerate(data.winners, start=1):
            _el(_el(contract, "efac:LotTender"), "cbc:ID", f"TEN-{index:04d}", schemeName="tender")
    for index, _winner in enumerate(data.winners, start=1):
        party = _el(result, "efac:TenderingParty")
        _el(party, "cbc:ID", f"TPA-{index:04d}", schemeName="tendering-party")
        _el(_el(party, "efac:Tenderer"), "cbc:ID", _org_id(review + index), schemeName="organization")
    _el(_el(extension, "efac:NoticeSubType"), "cbc:SubTypeCode", "36", listName="notice-subtype")
    _organizations(extension, data, [w.party for w in data.winners])
    _header(root, data, "can-desg", "result")
    _contracting_parties(root, data)
    _el(_el(root, "cac:TenderingProcess"), "cbc:ProcedureCode", "open", listName="procurement-procedure-type")
    _project(root, data, data.internal_id, note=True)
    lot = _el(root, "cac:ProcurementProjectLot")
    _el(lot, "cbc:ID", LOT_ID, schemeName="Lot")
    lot_terms = _el(lot, "cac:TenderingTerms")
    _el(lot_terms, "cbc:FundingProgramCode", "no-eu-funds", listName="eu-funded")
    _ref(_el(lot_terms, "cac:AppealTerms"), "cac:AppealReceiverParty", _org_id(review))
    _project(lot, data, data.internal_id or "LOT")
    if data.decided_at is not None:
        _el(_el(root, "cac:TenderResult"), "cbc:AwardDate", _date(data.decided_at))
    return _bytes(root)


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
