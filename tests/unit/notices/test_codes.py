from compete.notices.codes import alpha3, cpv_check_digit, cpv_ok, is_eea, normal_cpv, nuts_ok, parse_cpv_list
from compete.notices.messages import business_term


def test_cpv_check_digits_of_known_codes():
    known = ["73000000-2", "85000000-9", "71000000-8", "45000000-7", "72000000-5", "79000000-4", "03000000-1"]
    known += ["03113100-7", "03113200-8", "18451000-5", "18453000-9", "71355000-1", "71355200-3"]
    assert [cpv_ok(code) for code in known] == [True] * len(known)
    assert [cpv_ok(code) for code in ("73000000-3", "7300000-2", "73000000", "73000000-22", "")] == [False] * 5
    assert cpv_check_digit("85300000") == 2


def test_cpv_list_keeps_order_and_drops_repeats():
    assert parse_cpv_list("85000000-9, 73000000-2\n85000000-9;  ") == ["85000000-9", "73000000-2"]


def test_nuts_and_countries():
    assert (nuts_ok("NO081"), nuts_ok("NO0"), nuts_ok("NO08"), nuts_ok("SE110")) == (True, True, False, False)
    assert (alpha3("NO"), alpha3("se"), alpha3("GB"), is_eea("GB"), is_eea("IS")) == ("NOR", "SWE", "GBR", False, True)


def test_business_term_from_diagnostic_or_rule_id():
    assert business_term("BR-BT-00503-0030", "ND-Company_BT-503-Organization-Company") == "BT-503"
    assert business_term("BR-BT-00004-0052", "") == "BT-4"
    assert business_term("BR-OPT-00315-0045", "ND-LotResult_OPT-315-LotResult") == ""


def test_the_check_digit_may_be_left_out():
    assert [normal_cpv(v) for v in ("73000000", "73000000-2", "73000000-3", "7300000")] == [
        "73000000-2",
        "73000000-2",
        None,
        None,
    ]
