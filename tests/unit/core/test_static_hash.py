"""Static fingerprints: computed once per file outside debug mode (a deploy restarts the workers),
checked against the file on every use in debug mode."""

from flask import Flask

from compete.core.security import static_hash


def _app(tmp_path, debug: bool) -> Flask:
    app = Flask("fingerprints", static_folder=str(tmp_path))
    app.debug = debug
    return app


def test_outside_debug_mode_a_file_is_fingerprinted_once(tmp_path):
    (tmp_path / "app.css").write_text("body { color: black }")
    app = _app(tmp_path, debug=False)
    first = static_hash(app, "app.css")
    (tmp_path / "app.css").write_text("body { color: red }")
    assert static_hash(app, "app.css") == first
    assert static_hash(app, "missing.css") is None
    assert static_hash(app, "../outside.css") is None


def test_in_debug_mode_an_edited_file_gets_a_new_fingerprint(tmp_path):
    (tmp_path / "app.css").write_text("body { color: black }")
    app = _app(tmp_path, debug=True)
    first = static_hash(app, "app.css")
    (tmp_path / "app.css").write_text("body { color: red; margin: 0 }")
    assert static_hash(app, "app.css") not in (None, first)
