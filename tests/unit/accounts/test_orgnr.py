import pytest

from compete.accounts.orgnr import InvalidOrgnr, normalise_foreign_registration, normalise_orgnr, orgnr_checksum_ok
from compete.core.formatting import format_orgnr


@pytest.mark.parametrize("number", ["123456785", "974760673"])
def test_valid_numbers_pass_mod11(number):
    assert orgnr_checksum_ok(number) is True
    assert normalise_orgnr(number) == number


@pytest.mark.parametrize("number", ["123456789", *[f"91234567{d}" for d in range(10)]])
def test_invalid_numbers_are_refused(number):
    assert orgnr_checksum_ok(number) is False
    with pytest.raises(InvalidOrgnr):
        normalise_orgnr(number)


@pytest.mark.parametrize(
    "raw",
    [
        "974 760 673",
        "NO 974 760 673 MVA",
        "NO974760673MVA",
        "no 974760673 mva",
        " 974\u00a0760\u00a0673 ",
        "974.760.673",
    ],
)
def test_spaces_and_vat_wrapper_are_stripped(raw):
    assert normalise_orgnr(raw) == "974760673"


@pytest.mark.parametrize("raw", ["", "97476067", "9747606731", "NO 97476067X MVA", "abcdefghi"])
def test_wrong_length_or_letters_are_refused(raw):
    with pytest.raises(InvalidOrgnr, match="9 digits"):
        normalise_orgnr(raw)


def test_stored_as_nine_digits_shown_grouped():
    assert format_orgnr(normalise_orgnr("NO 974760673 MVA")) == "974 760 673"


def test_foreign_registration_is_normalised():
    assert normalise_foreign_registration("  hrb  12345 ") == "HRB 12345"
    with pytest.raises(InvalidOrgnr):
        normalise_foreign_registration("x")
