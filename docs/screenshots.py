"""The report mail as a phone and a desktop show it: send a run's report to a real SMTP server on
localhost (aiosmtpd), take the message as received, put its inline images where its ``cid:``
references are (as a mail client does) and render it in headless Chromium at 390 px (a phone)
and 1280 px (a desktop). Writes docs/mail_390.png and docs/mail_1280.png (the top of the page),
and prints what the browser measured. (report.html in a browser looks the same: the mail is the
same page with its CSS inlined.)

    .venv/bin/jitjic run                       # once: a run to show (the bundled sample)
    apt-get install -y chromium                # Debian's package, once
    .venv/bin/python docs/screenshots.py [--config jitjic.toml] [--db data/work/jitjic.duckdb]

Needs the test extras (aiosmtpd): ``pip install -e '.[test]'``. The tests use ``received_html``
and ``measure`` on the mail the nightly flow sends.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import shutil
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

__all__ = ["CHROMIUM", "WIDTHS", "chromium", "received_html", "measure", "screenshot", "main"]

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = (390, 1280)
# the top of the page, where a buyer reads what to order (a phone shows the first ~700 px)
HEIGHTS = {390: 2400, 1280: 1500}
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
# headless, no network of its own (this machine has none) and a fresh profile each time
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--disable-quic",
    "--virtual-time-budget=5000",
]
# Headless Chromium keeps its window at least 500 px wide: the page is shown in a frame of the
# width asked for (a srcdoc frame shares the outer page's origin, so it can report back)
_WINDOW_MIN = 500
_MEASURE = """<script>window.addEventListener('load', function () {
  var e = document.documentElement, wide = [];
  document.querySelectorAll('table, img, p, h1, h2').forEach(function (n) {
    if (n.getBoundingClientRect().right > window.innerWidth + 1) wide.push(n.tagName + '.' + n.className);
  });
  parent.document.title = JSON.stringify({width: window.innerWidth, scroll_width: e.scrollWidth,
    scroll_height: e.scrollHeight, images: document.images.length,
    broken: Array.prototype.filter.call(document.images, function (i) { return !i.naturalWidth; }).length,
    wider_than_screen: wide.slice(0, 10)});
});</script>"""


def _framed(html: str, width: int, height: int) -> str:
    """An outer page showing ``html`` in a frame exactly ``width`` x ``height`` px."""
    quoted = html.replace("&", "&amp;").replace('"', "&quot;")
    return (
        f'<!doctype html><html><head><title>-</title></head><body style="margin:0">'
        f'<iframe width="{width}" height="{height}" style="border:0;display:block" srcdoc="{quoted}">'
        "</iframe></body></html>"
    )


def chromium() -> str | None:
    """The path of a Chromium on this machine, or None."""
    return next((p for p in map(shutil.which, CHROMIUM) if p), None)


def received_html(msg: EmailMessage) -> str:
    """The HTML part of a received message with each ``cid:`` image replaced by its inline
    part's bytes (a data: URI), as a mail client shows it; a reference to a missing part stays."""
    parts = {p["Content-ID"].strip("<>"): p for p in msg.walk() if p.get("Content-ID")}
    html = msg.get_body(preferencelist=("html",)).get_content()

    def inline(match: re.Match) -> str:
        part = parts.get(match.group(1))
        if part is None:
            return match.group(0)
        data = base64.b64encode(part.get_content()).decode("ascii")
        return f'src="data:{part.get_content_type()};base64,{data}"'

    return re.sub(r'src="cid:([^"]+)"', inline, html)


def _run(html_file: Path, width: int, height: int, *extra: str) -> str:
    browser = chromium()
    if browser is None:
        raise FileNotFoundError("no Chromium on this machine (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                browser,
                *_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={max(width, _WINDOW_MIN)},{height}",
                *extra,
                html_file.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return done.stdout


def measure(html: str, width: int, folder: Path) -> dict:
    """Load ``html`` in headless Chromium, ``width`` px wide, and return ``width``,
    ``scroll_width`` (wider than ``width``: the page scrolls sideways), ``scroll_height``,
    ``images``, ``broken`` (images that did not load) and ``wider_than_screen`` (elements
    reaching past the right edge). ``folder``: where the page is written."""
    page = Path(folder) / f"measure_{width}.html"
    page.write_text(_framed(html.replace("</body>", _MEASURE + "</body>"), width, 900), encoding="utf-8")
    dom = _run(page, width, 900, "--dump-dom")
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    if title is None or not title.group(1).startswith("{"):
        raise RuntimeError(f"Chromium did not measure the page at {width} px")
    return json.loads(title.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def screenshot(html: str, width: int, out: Path, height: int | None = None) -> Path:
    """A PNG of the top ``height`` px of ``html`` at ``width`` px (default: HEIGHTS)."""
    from PIL import Image  # with matplotlib

    out, height = Path(out).resolve(), height or HEIGHTS.get(width, 1500)
    page = out.with_suffix(".html")
    page.write_text(_framed(html, width, height), encoding="utf-8")
    try:
        _run(page, width, height, f"--screenshot={out}")
    finally:
        page.unlink(missing_ok=True)
    with Image.open(out) as shot:
        shot.crop((0, 0, width, height)).save(out, optimize=True)
    return out


def _received(settings, run_id: str):
    """The run's report folder (written now when the run has none yet), and its mail as an SMTP
    server on localhost received it."""
    from jitjic.reports import send_message

    from jitjic import warehouse
    from jitjic.reporting import ReportFiles, report_email, smtp_config, write_report_files
    from tests.smtp_server import SmtpServer

    folder = Path(settings.paths.reports_dir) / run_id
    if (folder / "report.json").exists():
        files = ReportFiles.in_folder(folder)
    else:
        con = warehouse.connect(settings.paths.database)
        try:
            files = write_report_files(con, settings, run_id)
        finally:
            con.close()
    with SmtpServer() as server:
        email = settings.email.model_copy(
            update={
                "enabled": True,
                "host": "127.0.0.1",
                "port": server.port,
                "user": None,
                "password": None,
                "security": "none",
                "recipients": settings.email.recipients or ["buyer@example.test"],
            }
        )
        settings = settings.model_copy(update={"email": email})
        send_message(report_email(files, settings, run_id), smtp_config(settings))
        ((_, msg),) = server.inbox.messages
    return files, msg


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from jitjic.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=None, help="TOML settings (default: ./jitjic.toml)")
    parser.add_argument("--db", type=Path, default=None, help="working database (default: paths.database)")
    parser.add_argument("--run", default=None, help="run id (default: the latest completed run)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default: docs/)")
    args = parser.parse_args(argv)
    if chromium() is None:
        print("no Chromium on this machine: apt-get install -y chromium", file=sys.stderr)
        return 2
    settings = load_settings(args.config, **({"paths": {"database": args.db}} if args.db else {}))
    if not Path(settings.paths.database).exists():
        print(f"no database at {settings.paths.database}: run `jitjic run` first", file=sys.stderr)
        return 2
    import duckdb

    con = duckdb.connect(str(settings.paths.database), read_only=True)
    run_id = (
        args.run
        or con.execute("select run_id from runs where status = 'completed' order by ended_at desc limit 1").fetchall()[
            0
        ][0]
    )
    con.close()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        files, msg = _received(settings, run_id)
        html = received_html(msg)
        print(f"run {run_id}: mail {len(msg.as_bytes()) / 1024:,.0f} kB, subject: {msg['Subject']}")
        for width in WIDTHS:
            print(f"  {width:>4} px: {json.dumps(measure(html, width, Path(tmp)))}")
            print(f"  {screenshot(html, width, args.out / f'mail_{width}.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
