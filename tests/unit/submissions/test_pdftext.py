"""A PDF's text is read by PDFium in a forked child under a CPU and a memory limit: a real sketch
gives each page's text, a file whose reading has no useful end gives None (and the web process goes on)."""

from sqlalchemy import text

from compete.extensions import db
from compete.submissions import pdftext
from tests.factories_submissions import make_pdf_bomb


def test_each_page_of_a_real_sketch(app):
    from weasyprint import HTML

    pages = "".join(f'<p style="break-after: page">Side {n}: Unge på vei til jobb</p>' for n in (1, 2, 3))
    texts = pdftext.page_texts(HTML(string=pages).write_pdf())
    assert [t.strip() for t in texts] == [f"Side {n}: Unge på vei til jobb" for n in (1, 2, 3)]


def test_a_form_drawn_200_000_times_is_stopped_by_the_cpu_limit(app):
    bomb = make_pdf_bomb()  # ~6 KB, and minutes of work for any text extractor
    assert len(bomb) < 10_000
    assert pdftext.page_texts(bomb, cpu_seconds=1) is None
    assert db.session.execute(text("SELECT 1")).scalar() == 1  # the web process and its connection go on


def test_memory_is_bounded():
    heavy = make_pdf_bomb(calls=1, form_kb=30_000)  # 30 MB of drawing operators, drawn once
    assert pdftext.page_texts(heavy, memory_mb=8) is None
    assert pdftext.page_texts(heavy) == ["Hei"]  # within the default bounds it is read


def test_a_damaged_pdf_gives_none():
    assert pdftext.page_texts(b"%PDF-1.4\nnot a pdf at all") is None


def test_at_most_max_pages_are_read(monkeypatch):
    from weasyprint import HTML

    monkeypatch.setattr(pdftext, "MAX_PAGES", 2)
    pages = "".join(f'<p style="break-after: page">Side {n}</p>' for n in (1, 2, 3))
    assert [t.strip() for t in pdftext.page_texts(HTML(string=pages).write_pdf())] == ["Side 1", "Side 2"]


def test_a_simple_sketch_is_read_in_this_process_and_anything_else_in_a_child(monkeypatch):
    """Only files whose pages draw their own small content are read without the child's limits."""
    from weasyprint import HTML

    forks = []
    real_fork = pdftext.os.fork
    monkeypatch.setattr(pdftext.os, "fork", lambda: forks.append(1) or real_fork())
    sketch = HTML(string="<p>Unge på vei til jobb</p>").write_pdf()
    assert pdftext.simple(sketch)
    assert [t.strip() for t in pdftext.page_texts(sketch)] == ["Unge på vei til jobb"]
    assert forks == []
    for drawn_by_forms in (make_pdf_bomb(calls=3), make_pdf_bomb(calls=1, form_kb=1)):
        assert not pdftext.simple(drawn_by_forms)
        assert pdftext.page_texts(drawn_by_forms) == ["Hei"]  # the same word drawn over itself is read once
    assert len(forks) == 2


def test_much_content_is_read_in_a_child(monkeypatch):
    monkeypatch.setattr(pdftext, "SIMPLE_CONTENT_BYTES", 1000)
    from weasyprint import HTML

    sketch = HTML(string="<p>" + "Unge på vei til jobb. " * 200 + "</p>").write_pdf()
    assert not pdftext.simple(sketch)
    assert "Unge på vei til jobb" in pdftext.page_texts(sketch)[0]


def test_the_document_information_is_read_with_the_text():
    """The leak check reads the author and title too (R19), from the same parse."""
    from compete.submissions import files
    from tests.factories_submissions import make_pdf

    pdf = make_pdf(text="Hei", author="Kari Nordmann", title="Hemmelig tittel")
    texts, information = pdftext.read(pdf)
    assert [t.strip() for t in texts] == ["Hei"]
    assert "Kari Nordmann" in information and "Hemmelig tittel" in information
    assert "Kari Nordmann" in files.extract_text(pdf, "pdf")
