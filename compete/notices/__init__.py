"""Doffin/TED notices (issue 13): the eForms design contest notice (subtype 23), its change notice,
and the design contest result notice (subtype 36), generated, validated and recorded."""
