"""The API's operations: public open data, the officers' records and the participants' own.

Each handler loads (404), checks the page's `can_*` predicate with the token's user (403), and
returns JSON-ready data; what a page hides (names in an anonymous stage before de-anonymisation,
entries a conflicted juror may not see) the API hides too.
"""

import importlib

# Importing the modules registers their operations, in this order (the OpenAPI document's order).
for _module in ("public", "officers", "participants"):
    importlib.import_module(f"{__name__}.{_module}")
