"""The text of a PDF, for the leak check (R19) and contract evidence, read by PDFium (pypdfium2),
in this process when the file is simple and in a forked child under a CPU-time and memory limit
when it is not.

A PDF's content is a program: a page may draw a form 100 000 times, or unpack a few kilobytes into
tens of megabytes of drawing operators, and every text extractor runs all of it (a 1 KB file took
PDFium 4 s, a 180 KB one 60 s and 900 MB; pypdf, used before, is slower still). So a file is read
here only when pypdf sees that every page draws just its own content, small in all (`simple`):
most sketches. Anything else is read in a child forked from the web process, with RLIMIT_CPU and
RLIMIT_AS, and killed at a wall-clock deadline too; a file that does not finish gives None, and the
caller says that it could not be checked. The fork is not free (the web process's pages become
copy-on-write: ~15 000 page faults afterwards), hence the simple path.

PDFium reads a real sketch about 40 times faster than pypdf (35 pages of text: 0.1 s instead of
4.2 s). pypdfium2 is imported before gunicorn forks its workers (compete/core/warmup.py).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import select
import signal
import time
import warnings

# Bounds of one extraction; a real sketch of 50 pages needs well under 1 s and 100 MB.
CPU_SECONDS = 5
MEMORY_MB = 512
MAX_PAGES = 500
# Drawing operators PDFium may read in the web process (a dense page of text has ~30 KB).
SIMPLE_CONTENT_BYTES = 2 * 1024 * 1024


def read(data: bytes, *, cpu_seconds: int | None = None, memory_mb: int | None = None) -> tuple[list[str], str] | None:
    """The text of each page (at most MAX_PAGES) and the document information (author, title, …) as
    text, or None when the pages cannot be read within the bounds (CPU_SECONDS and MEMORY_MB unless
    given). pypdf parses the file once, to tell whether it is simple and for its information ("" when
    pypdf cannot read it)."""
    reader = _reader(data)
    if reader is not None and _simple(reader):
        try:
            texts = _extract(data)
        except Exception:  # noqa: BLE001 - PDFium cannot read it: as a child that failed
            return None
    else:
        texts = _in_child(data, cpu_seconds or CPU_SECONDS, memory_mb or MEMORY_MB)
        if texts is None:
            return None
    return texts, _information(reader)


def page_texts(data: bytes, *, cpu_seconds: int | None = None, memory_mb: int | None = None) -> list[str] | None:
    """read()'s text of each page, or None."""
    result = read(data, cpu_seconds=cpu_seconds, memory_mb=memory_mb)
    return None if result is None else result[0]


def simple(data: bytes) -> bool:
    """Whether PDFium reads the file in this process (see _simple)."""
    reader = _reader(data)
    return reader is not None and _simple(reader)


def _reader(data: bytes):
    """pypdf's reader of the file, or None when pypdf cannot parse it."""
    from pypdf import PdfReader

    try:
        return PdfReader(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - not a PDF to pypdf: the child tries PDFium
        return None


def _information(reader) -> str:
    """The document information's values as text; nothing when pypdf cannot read them."""
    try:
        return "\n".join(str(value) for value in (reader.metadata or {}).values()) if reader is not None else ""
    except Exception:  # noqa: BLE001 - no information to check, as for any unreadable part
        return ""


def _simple(reader) -> bool:
    """Whether every page only draws its own content, small in all, so that PDFium reads it in this
    process: no forms (which a page may draw any number of times), no Type 3 fonts (whose glyphs are
    drawings), at most MAX_PAGES pages and SIMPLE_CONTENT_BYTES of drawing operators. Most sketches
    are simple; anything else, or anything pypdf cannot tell, is read in a limited child."""
    try:
        if len(reader.pages) > MAX_PAGES:
            return False
        total = 0
        for page in reader.pages:
            resources = page.get("/Resources")
            resources = resources.get_object() if resources is not None else {}
            for kind, forbidden in (("/XObject", "/Form"), ("/Font", "/Type3")):
                entries = resources.get(kind)
                for item in entries.get_object().values() if entries is not None else ():
                    if item.get_object().get("/Subtype") == forbidden:
                        return False
            contents = page.get("/Contents")
            contents = contents.get_object() if contents is not None else []
            for stream in contents if isinstance(contents, list) else [contents]:
                stream = stream.get_object()
                if total + len(getattr(stream, "_data", b"")) > SIMPLE_CONTENT_BYTES:
                    return False  # already too much encoded: not inflated at all
                total += len(stream.get_data())
                if total > SIMPLE_CONTENT_BYTES:
                    return False
        return True
    except Exception:  # noqa: BLE001 - not simple to pypdf: the child reads it
        return False


def _in_child(data: bytes, cpu_seconds: int, memory_mb: int) -> list[str] | None:
    import pypdfium2  # noqa: F401 - imported in the parent: the child then has it without paying the import

    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns when a process with threads forks (the development server, tests with an
        # SMTP thread): the child only reads the PDF and writes to the pipe, and a child that hangs
        # anyway is killed at the deadline.
        warnings.filterwarnings("ignore", message=".*multi-threaded.*fork", category=DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: extract, write JSON to the pipe, exit without running the parent's cleanup
        status = 1
        try:
            os.close(read_fd)
            _quiet()
            _limit(cpu_seconds, memory_mb)
            payload = json.dumps(_extract(data)).encode()
            view = memoryview(payload)
            while view:
                view = view[os.write(write_fd, view) :]
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    try:
        payload = _read_until(read_fd, deadline=time.monotonic() + 2 * cpu_seconds + 1)
    finally:
        os.close(read_fd)
        status = _reap(pid)
    if payload is None or status != 0:
        return None
    try:
        texts = json.loads(payload)
    except ValueError:
        return None
    return texts if isinstance(texts, list) and all(isinstance(t, str) for t in texts) else None


def _quiet() -> None:
    """A child stopped by a limit dies of a signal: no crash report of it in the web process's log."""
    import faulthandler

    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _limit(cpu_seconds: int, memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))  # SIGXCPU, then SIGKILL
    with open("/proc/self/statm") as statm:  # the forked address space counts: allow this much more
        size = int(statm.read().split()[0]) * resource.getpagesize()
    limit = size + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _extract(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    texts = []
    for index in range(min(len(document), MAX_PAGES)):
        page = document[index]
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    document.close()
    return texts


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None when the deadline passes first."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> int:
    """The child's exit status; a child still running (past the deadline) is killed first."""
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
