"""Read a generated notice back into a summary for the officer's preview: what the file says, not what
the database says."""

from __future__ import annotations

from lxml import etree

from compete.notices.generator import NS

EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"


def _texts(node, path: str) -> list[str]:
    return [(t.text or "").strip() for t in node.xpath(path, namespaces=NS)]


def _text(node, path: str) -> str:
    found = _texts(node, path)
    return found[0] if found else ""


def summarise(xml: str) -> dict:
    """The notice's key facts: subtype, parties, codes, dates, prizes, jury, result ({} if it does not parse)."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return {}
    orgs = {}
    for company in root.xpath(f"{EXT}/efac:Organizations/efac:Organization/efac:Company", namespaces=NS):
        orgs[_text(company, "cac:PartyIdentification/cbc:ID")] = {
            "name": _text(company, "cac:PartyName/cbc:Name"),
            "orgnr": _text(company, "cac:PartyLegalEntity/cbc:CompanyID"),
            "city": _text(company, "cac:PostalAddress/cbc:CityName"),
        }
    lot = "cac:ProcurementProjectLot/cac:TenderingTerms"
    prizes = [
        {
            "rank": _text(p, "cbc:RankCode"),
            "amount": int(_text(p, "cbc:ValueAmount") or 0),
            "description": _text(p, "cbc:Description"),
        }
        for p in root.xpath(f"{lot}/cac:AwardingTerms/cac:Prize", namespaces=NS)
    ]
    winners = []
    for party in root.xpath(f"{EXT}/efac:NoticeResult/efac:TenderingParty", namespaces=NS):
        org = orgs.get(_text(party, "efac:Tenderer/cbc:ID"), {})
        winners.append(org.get("name", ""))
    entries = _text(
        root,
        f"{EXT}/efac:NoticeResult/efac:LotResult/efac:ReceivedSubmissionsStatistics"
        "[efbc:StatisticsCode='tenders']/efbc:StatisticsNumeric",
    )
    deadline = _text(
        root, "cac:ProcurementProjectLot/cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/cbc:EndDate"
    )
    deadline_time = _text(
        root, "cac:ProcurementProjectLot/cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/cbc:EndTime"
    )
    binding = _text(root, f"{lot}/cac:AwardingTerms/cbc:BindingOnBuyerIndicator")
    follow_on = _text(root, f"{lot}/cac:AwardingTerms/cbc:FollowupContractIndicator")
    return {
        "subtype": _text(root, f"{EXT}/efac:NoticeSubType/cbc:SubTypeCode"),
        "notice_type": _text(root, "cbc:NoticeTypeCode"),
        "notice_id": _text(root, "cbc:ID"),
        "procedure_id": _text(root, "cbc:ContractFolderID"),
        "issued": _text(root, "cbc:IssueDate")[:10],
        "language": _text(root, "cbc:NoticeLanguageCode"),
        "submission_language": _text(root, f"{lot}/cac:Language/cbc:ID"),
        "title": _text(root, "cac:ProcurementProject/cbc:Name"),
        "description": _text(root, "cac:ProcurementProject/cbc:Description"),
        "note": _text(root, "cac:ProcurementProject/cbc:Note"),
        "buyers": [
            orgs.get(i, {}) for i in _texts(root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
        ],
        "review_body": orgs.get(
            _text(root, f"{lot}/cac:AppealTerms/cac:AppealReceiverParty/cac:PartyIdentification/cbc:ID"), {}
        ),
        "cpv": _texts(root, "cac:ProcurementProject/cac:MainCommodityClassification/cbc:ItemClassificationCode")
        + _texts(root, "cac:ProcurementProject/cac:AdditionalCommodityClassification/cbc:ItemClassificationCode"),
        "nuts": _text(root, "cac:ProcurementProject/cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode")
        or _text(root, "cac:ProcurementProject/cac:RealizedLocation/cac:Address/cbc:Region"),
        "deadline": f"{deadline[:10]} {deadline_time[:5]}".strip(),
        "prizes": prizes,
        "jury_binding": {"true": True, "false": False}.get(binding),
        "follow_on": {"true": True, "false": False}.get(follow_on),
        "changed_notice": _text(root, f"{EXT}/efac:Changes/efbc:ChangedNoticeIdentifier"),
        "change_description": _text(root, f"{EXT}/efac:Changes/efac:Change/efbc:ChangeDescription"),
        "winners": winners,
        "entries": int(entries) if entries else None,
    }
