"""Officers' Markdown is sanitised with nh3: allowed tags stay, scripts, handlers and bad URLs go."""

from compete.core.markdown import render_markdown


def test_allowed_markdown_is_kept():
    html = str(render_markdown('## Mål\n\n**fet** og *kursiv* [lenke](https://example.no "tittel")\n\n- a\n- b'))
    assert html == (
        "<h2>Mål</h2>\n<p><strong>fet</strong> og <em>kursiv</em> "
        '<a href="https://example.no" title="tittel">lenke</a></p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>'
    )


def test_tables_keep_their_cells():
    html = str(render_markdown("| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<table>" in html and "<th>a</th>" in html and "<td>2</td>" in html


def test_scripts_handlers_and_javascript_urls_are_removed():
    html = str(
        render_markdown(
            "[x](javascript:alert(1)) <script>alert(2)</script> <img src=x onerror=alert(3)> "
            "<a href='mailto:post@example.no' onclick='alert(4)'>m</a> <!-- hidden -->"
        )
    )
    assert html == '<p><a>x</a>   <a href="mailto:post@example.no">m</a> </p>'


def test_headings_level_one_are_flattened_to_text():
    assert str(render_markdown("# Title")) == "Title"


def test_empty_text_gives_empty_markup():
    assert str(render_markdown(None)) == ""
