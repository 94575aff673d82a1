"""The floor the page figures are read against: a plain Flask "hello world" under the same
gunicorn settings (2 sync workers) and the same wrk run. The issue's goals were set on a machine
where this floor was 5 500–6 900 req/s; on a slower machine every figure is lower in proportion."""

from flask import Flask

app = Flask(__name__)
ISSUE_FLOOR = 6200  # the middle of the 5 500–6 900 req/s measured when the goals were set


@app.get("/")
def hello():
    return "hello"
