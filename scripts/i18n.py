"""Translation catalogues, one per domain package (compete/<domain>/translations).

    python scripts/i18n.py update [domain ...]  # extract strings, update nb/nn/en .po files
    python scripts/i18n.py compile  # build .mo files (make run / make test do this)
    python scripts/i18n.py check    # fail if a nb or nn string is untranslated or fuzzy

Each domain owns its Python package, templates/<domain>/ and templates/emails/<domain>/;
`core` also owns the top-level templates (base, macros, errors).
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

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
    return 1 if problems else 0


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "compile"
    if action == "update":
        update(sys.argv[2:])
    elif action == "compile":
        compile_all()
    elif action == "check":
        sys.exit(check())
    else:
        sys.exit(__doc__)
