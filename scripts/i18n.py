"""Translation catalogues, one per domain package (compete/<domain>/translations).

    python scripts/i18n.py update [domain ...]  # extract strings, update nb/nn/en .po files
    python scripts/i18n.py compile  # build .mo files (make run / make test do this)
    python scripts/i18n.py check    # fail if a nb or nn string is untranslated or fuzzy
    python scripts/i18n.py missing <domain> <lang>       # print the untranslated msgids as JSON
    python scripts/i18n.py fill <domain> <lang> <json>   # set translations from {msgid: msgstr}
    python scripts/i18n.py conflicts  # fail if one (context, msgid) has two translations in a language

A message with two meanings gets a context (pgettext); in `missing`/`fill` its key is "context\u0004msgid".

Each domain owns its Python package, templates/<domain>/ and templates/emails/<domain>/;
`core` also owns the top-level templates (base, macros, errors).
"""

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from compete import DOMAINS  # noqa: E402

LANGS = ("nb", "nn", "en")
PYBABEL = str(Path(sys.executable).parent / "pybabel")


def sources(domain: str) -> list[str]:
    paths = [ROOT / "compete" / domain, ROOT / "templates" / domain, ROOT / "templates" / "emails" / domain]
    if domain == "core":
        paths += [ROOT / "templates" / "_macros", ROOT / "templates" / "errors", ROOT / "compete" / "cli.py"]
        paths += sorted((ROOT / "templates").glob("*.html"))
    return [str(p) for p in paths if p.exists()]


def update(only: list[str]) -> None:
    for domain in only or DOMAINS:
        src = sources(domain)
        if not src:
            continue
        out = ROOT / "compete" / domain / "translations"
        out.mkdir(parents=True, exist_ok=True)
        pot = out / "messages.pot"
        subprocess.run(
            [
                PYBABEL,
                "-q",
                "extract",
                "-F",
                str(ROOT / "babel.cfg"),
                "--no-location",
                "--sort-output",
                "-k",
                "_l",
                # A message with two meanings gets a context: pgettext / lazy_pgettext (Python) and
                # pgettext (Jinja); pgettext and npgettext are among pybabel's default keywords.
                "-k",
                "lazy_pgettext:1c,2",
                "-o",
                str(pot),
                *src,
            ],
            check=True,
        )
        for lang in LANGS:
            po = out / lang / "LC_MESSAGES" / "messages.po"
            command = "update" if po.exists() else "init"
            subprocess.run(
                [PYBABEL, "-q", command, "-i", str(pot), "-d", str(out), "-l", lang, "--no-wrap"]
                + (["--ignore-obsolete"] if command == "update" else []),
                check=True,
            )
        pot.unlink()


def compile_all() -> None:
    for po in sorted(ROOT.glob("compete/*/translations/*/LC_MESSAGES/messages.po")):
        subprocess.run([PYBABEL, "-q", "compile", "-i", str(po), "-o", str(po.with_suffix(".mo"))], check=True)


def check() -> int:
    problems = []
    for po in sorted(ROOT.glob("compete/*/translations/*/LC_MESSAGES/messages.po")):
        lang = po.parent.parent.name
        if lang == "en":
            continue
        with open(po, "rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                problems.append(f"{po.relative_to(ROOT)}: {message.id!r}")
    for line in problems:
        print("untranslated:", line)
    clashes = conflicts()
    for line in clashes:
        print("two translations:", line)
    return 1 if problems or clashes else 0


def conflicts(root: Path = ROOT) -> list[str]:
    """Flask-Babel merges the domain catalogues and the last one wins, so one (context, msgid) must have one
    translation per language across all domains. Returns one line per message that has more than one."""
    found: dict[tuple, dict[str, list[str]]] = {}
    for po in sorted(root.glob("compete/*/translations/*/LC_MESSAGES/messages.po")):
        lang, domain = po.parent.parent.name, po.parents[3].name
        with open(po, "rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                continue
            found.setdefault((lang, _key(message)), {}).setdefault(repr(strings), []).append(domain)
    return [
        f"{lang} {key!r}: " + "; ".join(f"{text} ({', '.join(domains)})" for text, domains in sorted(seen.items()))
        for (lang, key), seen in sorted(found.items())
        if len(seen) > 1
    ]


def _catalogue(domain: str, lang: str) -> Path:
    return ROOT / "compete" / domain / "translations" / lang / "LC_MESSAGES" / "messages.po"


def _key(message) -> str:
    """The msgid (the singular for plurals), prefixed by "context\\u0004" when it has a context (gettext's own
    convention), so that one msgid with two meanings is two keys."""
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}\u0004{msgid}" if message.context else msgid


def missing(domain: str, lang: str) -> None:
    with open(_catalogue(domain, lang), "rb") as handle:
        catalog = read_po(handle)
    todo = {_key(m): "" for m in catalog if m.id and isinstance(m.id, str) and (m.fuzzy or not m.string)}
    print(json.dumps(todo, ensure_ascii=False, indent=1))


def fill(domain: str, lang: str, source: str) -> None:
    """Plural messages are given as {"singular": ["one", "other"]}."""
    translations = json.loads(Path(source).read_text(encoding="utf-8"))
    po = _catalogue(domain, lang)
    with open(po, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        key = _key(message)
        if key in translations:
            value = translations[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
    with open(po, "wb") as handle:
        write_po(handle, catalog, width=0)


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "compile"
    if action == "update":
        update(sys.argv[2:])
    elif action == "compile":
        compile_all()
    elif action == "check":
        sys.exit(check())
    elif action == "missing":
        missing(*sys.argv[2:4])
    elif action == "conflicts":
        lines = conflicts()
        print("\n".join(lines))
        sys.exit(1 if lines else 0)
    elif action == "fill":
        fill(*sys.argv[2:5])
    else:
        sys.exit(__doc__)
