"""The open API under /api/v1: public read-only data, and personal API tokens for officers' and
participants' own data, authorised by the same `can_*` predicates as the pages."""
