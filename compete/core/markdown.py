"""Markdown written by officers, sanitised before it reaches a page."""

import bleach
import markdown as md
from markupsafe import Markup

ALLOWED_TAGS = [
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["scope"]}


def render_markdown(text: str) -> Markup:
    html = md.markdown(text or "", extensions=["tables", "sane_lists"])
    clean = bleach.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=["http", "https", "mailto"], strip=True
    )
    return Markup(clean)  # noqa: S704 - sanitised by bleach above
