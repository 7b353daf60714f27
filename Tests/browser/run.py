#!/usr/bin/env python3
"""Pingshen browser tests: a real `pingshen serve --demo` driven by headless Chromium.

    python3 Tests/browser/run.py                      # uses .build/debug/pingshen (or $PINGSHEN_BIN)
    python3 Tests/browser/run.py --bin .build/release/pingshen --only verify-revoked
    make browser-test                                 # the same, as CI runs it after `swift test`

What it does: starts `pingshen serve --demo --out <tmpdir> --applications <N> --port <free port>`
from the repository root, waits for `/healthz`, runs every step below in order in one headless
Chromium (Debian's `chromium` + `chromium-driver`, through selenium with the driver path set, so
nothing is downloaded), saves a full-page screenshot of every page visited as
`out/browser/NNN-<step>-<what>.png` and the server's output as `out/browser/server.log`, always
stops the server, and exits 1 naming each step that failed (0 when all passed). The last line is
`browser: N passed, N failed[, N skipped]`.

Adding a scenario — one function per step, decorated with `@step("name")`, run in file order:

    @step("applicant-registers", needs="home")    # `needs`: skipped when that step failed
    def applicant_registers(b: Browser, s: Server) -> None:
        b.visit("/register")                      # GET a path; waits for the page; screenshot
        b.fill("name", "张三")                     # an input/textarea/select by name (or id)
        b.fill("password", "…")
        b.click("注册")                            # a button or link by its visible text; screenshot
        b.expect_text("注册成功")                   # every text must be on the page
        b.expect_no_text("错误")
        s.state["applicant"] = "张三"              # hand values to later steps

Also on `b`: `login(username)` signs in through /login (password: the one `serve --demo`
prints for its demo accounts; `s.accounts` lists their (username, role) pairs), `logout()`,
`screenshot("name")` an extra shot, `text()` the page's visible text, `path()` the current path,
`driver` the selenium driver for anything else. For forms and people: `press(css)` clicks one
button among several with the same text (`button[value='add:education']`), `tick(name, value)`
a checkbox or radio, `upload(name, path)` a file, `fetch(path)` downloads with the browser's
session (attachments a visit would not show), `as_user(username)` becomes that person — the
first time through /login, later by putting their cookies back, as if each person had their
own browser (the sign-in limit allows 10 at once, then one every 6 s; `login` waits when told
to). A date input is filled through its value (keys go in the locale's order). `check(cond, message)` fails the step,
`skip(reason)` skips it. `@step(..., known_issue="…", known_sign="text")` marks a step that hits
a known bug: a failure showing that text is reported as KNOWN without failing the run, until the
step passes again.

On `s`: `url(path)`, `get(path)` (plain urllib: status, headers, body), `certificates` (what
`serve --demo` printed: valid and revoked numbers and codes), `db` (the demo SQLite path; read
it with sqlite3), `bin` / `pingshen(*args)` (run the CLI), `serve_db(db, name)` (a second server
on another database, e.g. `season_in_notice(s)`, a season stopped during 公示; visit it with
`b.visit(other.url(path))`), `state` (a dict handed from step to step).

Browser console errors fail the step that caused them unless the page was visited with
`visit(path, status=404)` (an expected error status). So does what every page of the site is
checked for after each visit and click (`_check_page`): axe-core (the copy PyPI's
axe-selenium-python bundles, injected as a debugger script, which the page's CSP does not
govern) with no violation of impact serious or critical, and at 390 px (a phone, by device-metrics
emulation) no horizontal overflow — the page's message names the rule or the widest element;
each (path, rule) is reported once per run. Every page is also screenshotted at 390 px
(`NNN-<step>-<what>-390.png`). `print_page(name)` checks the current page under print media
on A4 and keeps the PDF. The workflow scenario (issue 6: an
applicant registers, fills the engineering form with a mistake, fixes it, signs the pledge and
submits; the unit recommends; the office accepts; a committee session is drawn and votes; the
public notice runs its days on the demo clock; the result is confirmed and certified; the
applicant downloads the certificate, whose QR URL verifies as valid, then revoked) follows
`demo-accounts-sign-in`, one step per stage, each needing the one before; a stage whose console
is not in the build skips (so do the rest). The downloaded certificate is kept as
`out/browser/certificate.html` and `.odt`.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------
# the step registry


class StepFailed(Exception):
    """A check that did not hold; the message says what was expected and what was seen."""


class StepSkipped(Exception):
    """The step does not apply to this server (say, an older build without the pages)."""


def skip(reason: str) -> None:
    raise StepSkipped(reason)


def check(condition: object, message: str) -> None:
    if not condition:
        raise StepFailed(message)


@dataclass
class Step:
    name: str
    run: Callable[["Browser", "Server"], None]
    needs: str | None = None
    known_issue: str | None = None
    known_sign: str | None = None


STEPS: list[Step] = []


def step(name: str, needs: str | None = None, known_issue: str | None = None, known_sign: str | None = None):
    """Registers a step; steps run in the order they are defined. `known_issue`: a bug the
    step is known to hit (say where it is tracked); a failure showing `known_sign` (in the
    message or on the page) is reported as KNOWN and does not fail the run, any other failure
    does, and once the step passes the run says to remove the mark."""

    def register(function: Callable[["Browser", "Server"], None]):
        if any(s.name == name for s in STEPS):
            raise ValueError(f"two steps named {name!r}")
        STEPS.append(Step(name, function, needs, known_issue, known_sign))
        return function

    return register


# ---------------------------------------------------------------------------------------------
# the server


@dataclass
class Certificate:
    number: str
    code: str
    status: str  # "valid" or "revoked"


@dataclass
class Server:
    """A running `pingshen serve --demo` and what it printed."""

    bin: Path
    base: str
    db: Path
    log: Path
    certificates: list[Certificate] = field(default_factory=list)
    accounts: list[tuple[str, str]] = field(default_factory=list)  # demo (username, role) pairs
    demo_password: str = ""
    passwords: dict = field(default_factory=dict)  # username → password, where not `demo_password`
    names: dict = field(default_factory=dict)  # a demo account's name → this server's (`who`)
    state: dict = field(default_factory=dict)  # values handed from step to step
    workdir: Path | None = None
    applications: int = 0
    extra: list = field(default_factory=list)  # (process, log file) of servers started by steps

    def serve_db(self, db: Path, name: str) -> "Server":
        """Another `pingshen serve` on `db` (its log `out/browser/server-<name>.log`), stopped
        with the main one at the end of the run."""
        process, log_file, other = start_server(
            self.bin, ["--db", str(db)], self.log.with_name(f"server-{name}.log"), timeout=120
        )
        self.extra.append((process, log_file))
        other.db = db
        return other

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, str]:
        """A plain GET (no browser): status, headers, body as text. Error statuses are returned."""
        request = urllib.request.Request(self.url(path), headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, r.headers, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8", "replace")

    def pingshen(self, *args: str) -> subprocess.CompletedProcess:
        """Runs the CLI from the repository root (its default policy/ etc.), output as text."""
        return subprocess.run(
            [str(self.bin), *args], cwd=REPO, capture_output=True, text=True, timeout=120
        )

    def valid(self) -> Certificate:
        found = [c for c in self.certificates if c.status == "valid"]
        check(found, "serve --demo printed no valid certificate to try")
        return found[0]

    def revoked(self) -> Certificate:
        found = [c for c in self.certificates if c.status == "revoked"]
        check(found, "serve --demo printed no revoked certificate to try")
        return found[0]


SAMPLE_LINE = re.compile(r"^\s+(\S+)\s+(\S+)\s+\[(有效|已撤销)\]")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary: Path, arguments: list[str], log: Path, timeout: float):
    """`pingshen serve ARGUMENTS --port <free>` from the repository root, once `/healthz` answers."""
    port = free_port()
    command = [str(binary), "serve", *arguments, "--port", str(port)]
    print("server:", " ".join(command), flush=True)
    log_file = open(log, "w", encoding="utf-8")
    process = subprocess.Popen(
        command, cwd=REPO, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    db = Path(arguments[arguments.index("--db") + 1]) if "--db" in arguments else Path()
    server = Server(bin=binary, base=f"http://127.0.0.1:{port}", db=db, log=log)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            log_file.close()
            raise StepFailed(
                f"pingshen serve exited with {process.returncode} "
                f"before answering /healthz; last lines of {log}:\n" + tail(log)
            )
        try:
            with urllib.request.urlopen(server.url("/healthz"), timeout=2) as r:
                if r.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            pass
        if time.monotonic() > deadline:
            stop_server(process)
            log_file.close()
            raise StepFailed(
                f"no answer on /healthz after {timeout:.0f} s; "
                f"last lines of {log}:\n" + tail(log)
            )
        time.sleep(0.3)
    time.sleep(0.2)  # the sample lines are printed (and flushed) once the socket is bound
    section = ""
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith(" "):
            section = line
            m = re.match(r"演示账户\(密码均为 ([^;；)]+)", line)
            if m:
                server.demo_password = m.group(1).strip()
            continue
        m = SAMPLE_LINE.match(line)
        if m:
            status = "valid" if m.group(3) == "有效" else "revoked"
            server.certificates.append(Certificate(m.group(1), m.group(2), status))
        elif section.startswith("演示账户") and len(line.split()) >= 2:
            words = line.split()
            if words[1] == "…" and len(words) >= 4:  # a range: `expert1 … expert31  评审专家(…)`
                server.accounts.append((words[0], words[3].split("(")[0].split("（")[0]))
            else:
                server.accounts.append((words[0], words[1]))
    return process, log_file, server


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGINT)  # graceful shutdown (ServiceLifecycle)
        process.wait(timeout=10)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------------------------------------
# the browser

# Under print media: what is shown that a printout should not carry (the site's header and
# navigation, forms, buttons, text not black, a background not white, anything wider than the
# viewport, which `print_page` sets to A4's printable width).
PRINT_SCRIPT = """
const found = [];
const shown = e => { const r = e.getBoundingClientRect(); return getComputedStyle(e).display !== 'none' && r.width > 0 && r.height > 0; };
const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.classList.length ? '.' + [...e.classList].join('.') : '');
for (const e of document.querySelectorAll('header.site, nav, form, button, input:not([type=hidden]), select, textarea, footer.site'))
  if (shown(e)) found.push(name(e) + ' is shown');
const main = document.querySelector('main') || document.body;
if (!shown(main) || !main.innerText.trim()) found.push('no content');
for (const e of main.querySelectorAll('*')) {
  if (!shown(e) || !e.childNodes.length) continue;
  const s = getComputedStyle(e);
  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (own && s.color !== 'rgb(0, 0, 0)') { found.push(name(e) + ' text ' + s.color); break; }
}
for (const e of [document.body, main, ...main.querySelectorAll('*')]) {
  const b = getComputedStyle(e).backgroundColor;
  if (shown(e) && b !== 'rgba(0, 0, 0, 0)' && b !== 'rgb(255, 255, 255)') { found.push(name(e) + ' background ' + b); break; }
}
for (const t of main.querySelectorAll('table')) {
  if (!shown(t)) continue;
  const cell = t.querySelector('td, th');
  if (cell && getComputedStyle(cell).borderTopStyle === 'none') found.push(name(t) + ' has no ruled cells');
}
const page = document.documentElement.clientWidth;
if (document.documentElement.scrollWidth > page) {
  let widest = null;
  for (const e of main.querySelectorAll('*')) if (shown(e) && e.getBoundingClientRect().right > page && (!widest || e.getBoundingClientRect().width > widest.getBoundingClientRect().width)) widest = e;
  found.push('wider than A4 (' + document.documentElement.scrollWidth + ' px' + (widest ? ', ' + name(widest) : '') + ')');
}
return found;
"""

# The page is wider than its viewport: the widest element sticking out past the right edge
# that no scrolling ancestor (a `.table-scroll`) holds — or null when nothing overflows. The
# layout viewport's width (`clientWidth`): under mobile emulation a page too wide is zoomed out,
# so `innerWidth` (the visual viewport) grows with it and would hide the overflow.
OVERFLOW_SCRIPT = """
const root = document.documentElement, width = root.clientWidth;
if (root.scrollWidth <= width) return null;
let worst = null, widest = 0;
for (const e of document.body.querySelectorAll('*')) {
  const r = e.getBoundingClientRect();
  if (r.right <= width + 0.5 || r.width <= widest) continue;
  let held = false;
  for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
    const o = getComputedStyle(a).overflowX;
    if (o !== 'visible') { held = true; break; }
  }
  if (!held) { worst = e; widest = r.width; }
}
const what = worst
  ? worst.tagName.toLowerCase() + (worst.id ? '#' + worst.id : '') +
    (worst.classList.length ? '.' + [...worst.classList].join('.') : '') +
    ' ' + Math.round(widest) + ' px wide, ' + JSON.stringify((worst.textContent || '').trim().slice(0, 60))
  : 'no single element';
return 'scrollWidth ' + root.scrollWidth + ' > ' + width + ': ' + what;
"""


class Browser:
    """One headless Chromium; every page visited is screenshotted into `shots`."""

    def __init__(self, server: Server, shots: Path, chromium: str, chromedriver: str):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in (
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN",
            "--window-size=1280,2000", "--disable-gpu", "--no-first-run", "--disable-extensions",
        ):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # An explicit driver path: selenium-manager (which downloads drivers) is never used.
        self.driver = webdriver.Chrome(service=Service(chromedriver), options=options)
        self.driver.set_window_size(1280, 2000)
        self.driver.set_page_load_timeout(60)
        self.server = server
        self.shots = shots
        self.count = 0
        self.step = "setup"
        self.expected_status: int | None = None
        self.console_errors: list[str] = []
        self.sessions: dict[str, list[dict]] = {}  # username → cookies (`as_user`)
        self.user: str | None = None  # who is signed in (`login`, `as_user`)
        self.page_problems: list[str] = []  # axe-core and 390 px overflow findings (`_check_page`)
        self.seen_problems: set[tuple[str, str]] = set()  # (path, rule): each reported once
        self.axe_source: str | None = None
        self.axe_pages = 0
        self.check_seconds = 0.0  # spent in `_check_page`

    # -- the helper API ------------------------------------------------------------------------

    def visit(self, path: str, status: int | None = None) -> None:
        """Opens `path` (or a full URL) and screenshots it. `status`: an expected error status
        (404, 429 …) whose console message is not counted as an error."""
        self.expected_status = status
        url = path if path.startswith(("http:", "https:", "file:")) else self.server.url(path)
        self.driver.get(url)
        self._settled(f"visit {path}")

    def fill(self, name: str, value: str) -> None:
        """Types `value` into the form field named `name` (the name or id attribute)."""
        from selenium.webdriver.common.by import By

        found = self.driver.find_elements(By.NAME, name) or self.driver.find_elements(By.ID, name)
        check(found, f"no form field named {name!r} on {self.path()}")
        element = found[0]
        if element.tag_name == "select":
            from selenium.webdriver.support.ui import Select

            Select(element).select_by_visible_text(value)
        elif element.get_attribute("type") == "date" or len(value) > 80:
            # A date input takes keys in the locale's order; a long text is slow to type.
            self.driver.execute_script(
                "arguments[0].value = arguments[1];"
                "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
                "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                element, value,
            )
        else:
            element.clear()
            element.send_keys(value)

    def click(self, text: str, status: int | None = None) -> None:
        """Clicks the button or link whose visible text is `text`, waits for the next page and
        screenshots it. Preferred, in order: exact text over containing it, inside <main> over
        the header's, a button over a link (so `click("登录")` on /login submits the form rather
        than following the header's 登录 link)."""
        from selenium.webdriver.common.by import By

        self.expected_status = status
        candidates = self.driver.find_elements(
            By.XPATH, "//button | //a | //input[@type='submit' or @type='button']"
        )

        def label(e) -> str:
            return (e.text or e.get_attribute("value") or "").strip()

        def rank(e) -> tuple:
            in_main = bool(e.find_elements(By.XPATH, "ancestor::main"))
            return (label(e) != text, not in_main, e.tag_name == "a")

        matching = [e for e in candidates if text in label(e) and e.is_displayed()]
        check(matching, f"no button or link {text!r} on {self.path()}")
        chosen = min(matching, key=rank)
        self._click_and_wait(chosen, text, status)

    def _click_and_wait(self, element, what: str, status: int | None) -> None:
        from selenium.webdriver.common.by import By

        self.expected_status = status
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # wait for the navigation the click started
            try:
                old.tag_name  # noqa: B018 — raises once the old document is gone
            except Exception:
                break
            time.sleep(0.05)
        self._settled(f"click {what}")

    def login(self, username: str, password: str | None = None) -> None:
        """Signs in through /login (the demo accounts' password by default); lands where the
        site sends that account (its console), which this does not check."""
        for attempt in range(8):
            self.visit("/login")
            self.fill("username", username)
            self.fill("password", password if password is not None
                      else self.server.passwords.get(username, self.server.demo_password))
            self.click("登录", status=404 if attempt == 0 else 429)  # a console not built yet answers 404
            page = self.text()
            # The sign-in limit (10 at once per address, then one every 6 s): wait as told.
            wait = re.search(r"请在 (\d+) 秒后再试", page)
            if not wait or ("查询过于频繁" not in page and "过于频繁" not in page):
                break
            seconds = min(int(wait.group(1)), 30)
            print(f"      (sign-in limit: waiting {seconds} s before signing in as {username})", flush=True)
            self.console_errors = [e for e in self.console_errors if "status of 429" not in e]
            time.sleep(seconds)
        self.sessions[username] = self.driver.get_cookies()
        self.user = username
        check("表单已失效" not in page, f"sign-in as {username!r} refused as 表单已失效 (CSRF or Origin check)")
        check("用户名或密码" not in page and "请输入用户名" not in page, f"sign-in as {username!r} refused: {page[:200]!r}")

    def logout(self) -> None:
        self.click("退出登录")
        self.sessions.pop(self.user or "", None)
        self.user = None

    def as_user(self, username: str, password: str | None = None) -> None:
        """Becomes `username`: the first time signs in through /login, later puts back that
        person's cookies (as if each person used their own browser, which stays signed in),
        so a scenario with many people spends the sign-in limit only once per person."""
        if username not in self.sessions:
            self.driver.delete_all_cookies()  # signed in as someone else, /login would send us home
            self.login(username, password)
            return
        self.user = username
        self.driver.delete_all_cookies()
        for cookie in self.sessions[username]:
            cookie = {k: v for k, v in cookie.items() if k in ("name", "value", "path", "httpOnly", "secure", "sameSite", "expiry")}
            self.driver.add_cookie(cookie)

    def press(self, css: str, status: int | None = None) -> None:
        """Clicks the element matching the CSS selector (a button among several with the same
        text, say `button[value='add:education']`), waits for the next page, screenshots it."""
        from selenium.webdriver.common.by import By

        found = [e for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
        check(found, f"nothing matches {css!r} on {self.path()}")
        self._click_and_wait(found[0], css, status)

    def tick(self, name: str, value: str | None = None, on: bool = True) -> None:
        """Checks (or with `on=False` unchecks) the checkbox or radio button named `name`
        (the one with `value` when several share the name)."""
        from selenium.webdriver.common.by import By

        css = f"input[name='{name}']" + (f"[value='{value}']" if value is not None else "")
        found = self.driver.find_elements(By.CSS_SELECTOR, css) or self.driver.find_elements(By.ID, name)
        check(found, f"no checkbox or radio {css!r} on {self.path()}")
        if found[0].is_selected() != on:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", found[0])
            found[0].click()

    def upload(self, name: str, file: Path) -> None:
        """Chooses `file` in the file input named `name`."""
        from selenium.webdriver.common.by import By

        found = self.driver.find_elements(By.CSS_SELECTOR, f"input[type='file'][name='{name}']")
        check(found, f"no file input named {name!r} on {self.path()}")
        found[0].send_keys(str(file))

    def fetch(self, path: str) -> tuple[int, str, bytes]:
        """Downloads `path` with the browser's session (a same-origin fetch from the page):
        status, content type, body. For files served as attachments, which a visit would not show."""
        import base64

        result = self.driver.execute_async_script(
            """
            const [url, done] = arguments;
            fetch(url, {credentials: 'same-origin'}).then(async r => {
                const bytes = new Uint8Array(await r.arrayBuffer());
                let text = '';
                for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
                done([r.status, r.headers.get('content-type') || '', btoa(text)]);
            }).catch(e => done([0, String(e), '']));
            """,
            path,
        )
        return int(result[0]), result[1], base64.b64decode(result[2])

    def expect_text(self, *texts: str) -> None:
        """Every text must be in the page's visible text."""
        page = self.text()
        missing = [t for t in texts if t not in page]
        if missing:  # the page's own content (not the header) says what went wrong
            main = self.driver.find_elements("tag name", "main")
            shown = (main[0].text if main else page)[:400]
            check(False, f"{self.path()}: missing {missing!r}; the page says: {shown!r}")

    def expect_no_text(self, *texts: str) -> None:
        page = self.text()
        present = [t for t in texts if t in page]
        check(not present, f"{self.path()}: should not show {present!r}")

    def screenshot(self, name: str, width: int = 1280) -> Path:
        """A full-page PNG `NNN-<step>-<name>.png` in the screenshot folder (`width`: the
        viewport's, 390 for the phone shots `_check_page` takes)."""
        self.count += 1
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{self.step}-{name}").strip("-")[:80]
        path = self.shots / f"{self.count:03d}-{safe}.png"
        try:
            import base64

            metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            shot = self.driver.execute_cdp_cmd(
                "Page.captureScreenshot",
                {
                    "format": "png", "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": max(width, size["width"]),
                             "height": max(1, size["height"]), "scale": 1},
                },
            )
            path.write_bytes(base64.b64decode(shot["data"]))
        except Exception:  # no CDP: the window (1280×2000) is most pages
            self.driver.save_screenshot(str(path))
        return path

    def text(self) -> str:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.TAG_NAME, "body").text

    def path(self) -> str:
        parts = urllib.parse.urlsplit(self.driver.current_url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    # -- internals -----------------------------------------------------------------------------

    def _settled(self, what: str) -> None:
        deadline = time.monotonic() + 30
        while self.driver.execute_script("return document.readyState") != "complete":
            check(time.monotonic() < deadline, f"{what}: page did not finish loading in 30 s")
            time.sleep(0.05)
        parts = urllib.parse.urlsplit(self.driver.current_url)
        page = parts.path.strip("/").replace("/", "_") or "home"
        if parts.query:  # the query's keys only: /verify?number=…&code=… → verify-number-code
            page += "-" + "-".join(k for k, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        self.screenshot(page)
        self._check_page(page)
        self._collect_console(what)

    def _check_page(self, page: str) -> None:
        """axe-core's serious and critical violations at 1280 px; then, at 390 px (a phone,
        through device-metrics emulation: the window itself keeps its size), horizontal overflow
        and the `-390` screenshot. Findings go to `page_problems`, which fails the step; each
        (path, rule) is reported once per run."""
        parts = urllib.parse.urlsplit(self.driver.current_url)
        if parts.scheme not in ("http", "https"):
            # A saved document (the certificate opened from disk): axe-core only, an A4 page
            # is not laid out for a phone.
            for rule, message in self._axe_violations(parts.path):
                self.page_problems.append(message)
            return
        started = time.monotonic()
        try:
            self._check_site_page(page, parts.path)
        finally:
            self.check_seconds += time.monotonic() - started

    def _check_site_page(self, page: str, path: str) -> None:
        for rule, message in self._axe_violations(path):
            if (path, rule) not in self.seen_problems:
                self.seen_problems.add((path, rule))
                self.page_problems.append(message)
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
        )
        try:
            widest = self.driver.execute_script(OVERFLOW_SCRIPT)
            if widest and (path, "overflow-390") not in self.seen_problems:
                self.seen_problems.add((path, "overflow-390"))
                self.page_problems.append(f"{path}: wider than 390 px ({widest})")
            self.screenshot(page + "-390", width=390)
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def _axe_violations(self, path: str) -> list[tuple[str, str]]:
        """Runs the axe-core bundled with PyPI's axe-selenium-python on the current page (as a
        debugger script, which the page's CSP does not govern): (rule, message) per violation of
        impact serious or critical, naming the rule, the first elements and the page."""
        if self.axe_source is None:
            import axe_selenium_python

            bundled = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
            self.axe_source = bundled.read_text(encoding="utf-8")
        self.driver.execute_script(self.axe_source)
        results = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done({ok: true, violations: r.violations}), e => done({ok: false, error: String(e)}));"
        )
        self.axe_pages += 1
        check(results and results.get("ok"), f"{path}: axe-core did not run: {results}")
        found = []
        for v in results["violations"]:
            if v.get("impact") not in ("serious", "critical"):
                continue
            nodes = v.get("nodes", [])
            shown = "; ".join(
                f"{' '.join(map(str, n.get('target', [])))} {n.get('html', '')[:120]!r}" for n in nodes[:3]
            )
            more = f" (and {len(nodes) - 3} more)" if len(nodes) > 3 else ""
            found.append((v["id"], f"{path}: axe {v['id']} ({v['impact']}): {v.get('help', '')} — {shown}{more}"))
        return found

    def print_page(self, name: str) -> tuple[list[str], int]:
        """The current page as printed (CSS print media, A4): what shows that should not (the
        header, navigation, forms, buttons, colour, anything wider than the paper) and the
        number of pages; the PDF is kept as `<name>.pdf` beside the screenshots."""
        import base64

        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        self.driver.execute_cdp_cmd(  # A4's printable width at 96 dpi: 210 − 2 × 18 mm
            "Emulation.setDeviceMetricsOverride", {"width": 658, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
        )
        try:
            found = self.driver.execute_script(PRINT_SCRIPT)
            pdf = self.driver.execute_cdp_cmd(
                "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True}
            )
        finally:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        data = base64.b64decode(pdf["data"])
        (self.shots / f"{name}.pdf").write_bytes(data)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        return [f"{self.path()} printed: {f}" for f in found], pages

    def take_page_problems(self) -> list[str]:
        problems, self.page_problems = self.page_problems, []
        return problems

    def _collect_console(self, what: str) -> None:
        try:
            entries = self.driver.get_log("browser")
        except Exception:  # a driver without the log endpoint: nothing to check
            return
        for entry in entries:
            if entry.get("level") != "SEVERE":
                continue
            message = entry.get("message", "")
            if self.expected_status and f"status of {self.expected_status}" in message:
                continue
            self.console_errors.append(f"{what}: {message}")

    def take_console_errors(self) -> list[str]:
        errors, self.console_errors = self.console_errors, []
        return errors

    def quit(self) -> None:
        try:
            self.driver.quit()
        except Exception:
            pass


# ---------------------------------------------------------------------------------------------
# the scenarios: public pages (working today)


def verification_path() -> str:
    """The path of `region.verification_base_url` in policy/policy.yaml (what the QR codes
    encode), as WebApp's `verificationPaths` serves it."""
    text = (REPO / "policy" / "policy.yaml").read_text(encoding="utf-8")
    m = re.search(r"^\s*verification_base_url:\s*[\"']?([^\s\"'#]+)", text, re.M)
    check(m, "policy/policy.yaml has no verification_base_url")
    path = urllib.parse.urlsplit(m.group(1)).path
    return path if path.startswith("/") and len(path) > 1 else "/verify"


def query(number: str, code: str) -> str:
    return urllib.parse.urlencode({"number": number, "code": code})


@step("home")
def home(b: Browser, s: Server) -> None:
    b.visit("/")
    b.expect_text("职称评审系统", "专业技术职务任职资格评审", "证书查验", "评审结果公示")
    lang = b.driver.find_element("tag name", "html").get_attribute("lang")
    check(lang == "zh-CN", f"/: <html lang> is {lang!r}, not zh-CN")
    check("职称评审系统" in b.driver.title, f"/: title {b.driver.title!r}")
    check(
        b.driver.execute_script(
            "return getComputedStyle(document.body).fontFamily !== '' && "
            "[...document.styleSheets].some(s => (s.href || '').endsWith('/static/site.css'))"
        ),
        "/: the stylesheet /static/site.css was not applied",
    )


@step("security-headers")
def security_headers(b: Browser, s: Server) -> None:
    for path in ("/", "/notices", "/verify", "/static/site.css", "/no-such-page"):
        status, headers, _ = s.get(path)
        check(status in (200, 404), f"{path}: status {status}")
        csp = headers.get("Content-Security-Policy", "")
        check("default-src 'self'" in csp and "frame-ancestors 'none'" in csp, f"{path}: CSP is {csp!r}")
        check("'unsafe-inline'" not in csp, f"{path}: CSP allows unsafe-inline: {csp!r}")
        nosniff = headers.get("X-Content-Type-Options", "")
        check(nosniff == "nosniff", f"{path}: X-Content-Type-Options is {nosniff!r}")
        frame = headers.get("X-Frame-Options", "")
        check(frame == "DENY", f"{path}: X-Frame-Options is {frame!r}")
    status, headers, body = s.get("/")
    check("no-store" in headers.get("Cache-Control", ""), "/: dynamic page without Cache-Control: no-store")
    check("text/html" in headers.get("Content-Type", ""), "/: not text/html")


@step("notices-none-at-season-end")
def notices_none_at_season_end(b: Browser, s: Server) -> None:
    # The full demo season ends every notice period: the list says so.
    b.visit("/notices")
    b.expect_text("评审结果公示", "目前没有正在公示的评审结果")


def season_in_notice(s: Server) -> Path:
    """A demo season stopped while results are in public notice 公示, on its own database.

    `pingshen demo` has no option to stop half way (DemoSeason's stopAfterStep is for the Swift
    tests), so: an empty copy of the full season's database (same migrations, no rows) gets a
    trigger that refuses the first application leaving `public-notice`; the demo, run into it,
    stops with that error and leaves every batch then in notice. The trigger is kept while
    serving (the scheduler would end those notices). If the store's layout changes, this step
    says so."""
    import sqlite3

    folder = s.workdir / "notice"
    folder.mkdir()
    db = folder / "pingshen.sqlite"
    source = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
    target = sqlite3.connect(db)
    source.backup(target)
    source.close()
    tables = [r[0] for r in target.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name <> 'grdb_migrations'")]
    check("streams" in tables, f"the store has no streams table (tables: {tables}): update season_in_notice")
    for table in tables:
        target.execute(f'DELETE FROM "{table}"')
    target.execute(
        "CREATE TRIGGER browser_test_stop_in_notice BEFORE UPDATE OF status ON streams "
        "WHEN OLD.kind = 'application' AND OLD.status = 'public-notice' AND NEW.status <> 'public-notice' "
        "BEGIN SELECT RAISE(ABORT, 'browser test: stopped while results are in public notice'); END")
    target.commit()
    target.close()
    run = s.pingshen("demo", "--out", str(folder), "--applications", str(s.applications))
    check(run.returncode != 0 and "browser test: stopped" in run.stdout + run.stderr,
          f"the demo did not stop at the trigger (exit {run.returncode}): {(run.stdout + run.stderr)[-400:]}")
    # The trigger stays while the season is served: the server's scheduler (DeadlineRunner, at
    # start and hourly) concludes every notice whose period ended before today, and the demo
    # season's periods are in the past. Its refusals are logged in server-notice.log.
    db_conn = sqlite3.connect(db)
    count = db_conn.execute(
        "SELECT count(*) FROM streams WHERE kind = 'application' AND status = 'public-notice'").fetchone()[0]
    db_conn.close()
    check(count >= 2, f"the season stopped with {count} applications in public notice (want 2 or more)")
    return db


@step("notices")
def notices(b: Browser, s: Server) -> None:
    in_notice = s.serve_db(season_in_notice(s), "notice")
    b.visit(in_notice.url("/notices"))
    b.expect_text("评审结果公示", "公示期", "异议受理", "身份证号", "工作单位")
    b.expect_no_text("目前没有正在公示的评审结果")
    links = [a.get_attribute("href") for a in b.driver.find_elements("css selector", "a[href*='/notices/']")]
    check(links, f"{b.path()}: no link to a batch page (单独查看本批公示)")
    b.click("单独查看本批公示")
    check(b.path().startswith("/notices/"), f"the batch link led to {b.path()}")
    b.expect_text("评审结果公示（批次", "公示期", "身份证号")
    rows = b.driver.find_elements("css selector", "table.notice tbody tr")
    check(rows, f"{b.path()}: the batch has no rows")
    for row in rows:
        cells = [c.text for c in row.find_elements("tag name", "td")]
        check(len(cells) == 7, f"{b.path()}: a row with {len(cells)} cells: {cells}")
        check(re.fullmatch(r"\d{4}\*{10}[\dX]{4}", cells[2]), f"{b.path()}: ID number not masked: {cells[2]!r}")
    check(not re.search(r"\b\d{17}[\dX]\b", b.text()), f"{b.path()}: a full ID number is shown")


@step("notice-unknown-batch")
def notice_unknown_batch(b: Browser, s: Server) -> None:
    b.visit("/notices/N1999-R9", status=404)
    b.expect_text("页面不存在")
    status, _, body = s.get("/notices/" + urllib.parse.quote("<script>alert(1)</script>"))
    check(status == 404, f"hostile batch id: status {status}")
    check("<script>alert(1)" not in body, "hostile batch id is echoed unescaped")


# The verification route allows each client 20 requests at once, then one every 3 s
# (RateLimit.verificationDefault); these steps use 9 of them. More verification steps: mind the
# limit (a 429 page says 查询过于频繁), or run them against a second server (`s.serve_db`).


@step("verify-form-valid")
def verify_form_valid(b: Browser, s: Server) -> None:
    cert = s.valid()
    b.visit("/verify")
    b.expect_text("证书查验", "证书编号", "查验码")
    b.fill("number", cert.number)
    b.fill("code", cert.code)
    b.click("查验")
    b.expect_text("证书查验结果", "有效", cert.number, "持证人", "批准文号", "发证日期")
    b.expect_no_text("已撤销", "未找到")
    check(b.driver.find_elements("css selector", "article.result-valid"), f"{b.path()}: no result-valid article")


@step("verify-qr-url")
def verify_qr_url(b: Browser, s: Server) -> None:
    cert = s.valid()
    path = verification_path()
    b.visit(f"{path}?{query(cert.number, cert.code)}")
    b.expect_text("证书查验结果", "有效：该证书真实有效", cert.number)
    # The code is not case-sensitive on the certificate (查验码不区分大小写).
    b.visit(f"{path}?{query(cert.number, cert.code.lower())}")
    b.expect_text("有效：该证书真实有效")


@step("verify-unknown")
def verify_unknown(b: Browser, s: Server) -> None:
    cert = s.valid()
    b.visit("/verify")
    b.fill("number", "4108209999999999")
    b.fill("code", "ZZZZZZZZZZ")
    b.click("查验")
    b.expect_text("未找到", "4108209999999999")
    b.expect_no_text("有效：", "持证人")
    # A known number with a wrong code gives the same answer (the page never tells which).
    b.visit(f"/verify?{query(cert.number, 'WRONGCODE1')}")
    b.expect_text("未找到")
    b.expect_no_text("持证人")


@step("verify-revoked")
def verify_revoked(b: Browser, s: Server) -> None:
    cert = s.revoked()
    b.visit(f"{verification_path()}?{query(cert.number, cert.code)}")
    b.expect_text("已撤销", cert.number, "撤销决定文号", "撤销日期")
    check(b.driver.find_elements("css selector", "article.result-revoked"), f"{b.path()}: no result-revoked article")
    # The decision shown is the one the store holds (the CLI's answer on the same database).
    answer = s.pingshen("certificate", "verify", "--db", str(s.db), cert.number, cert.code)
    m = re.search(r"已撤销\((.+?),", answer.stdout)
    check(m, f"pingshen certificate verify gave {answer.stdout!r} {answer.stderr!r}")
    b.expect_text(m.group(1))


@step("verify-bad-input")
def verify_bad_input(b: Browser, s: Server) -> None:
    b.visit("/verify?number=&code=X", status=400)
    b.expect_text("请填写证书编号")
    b.visit("/verify?" + query("1" * 40, "X"), status=400)
    b.expect_text("不能超过")


# ---------------------------------------------------------------------------------------------
# signed-in areas (accounts): the start of the workflow scenarios


# Each role's main areas in the header (`roleAreas` in Sources/WebApp/Pages.swift); a unit's
# HR administrator also has 人员管理.
ROLE_AREAS = {
    "申报人": ["我的申报"],
    "用人单位人事部门": ["待办申报"],
    "职改办经办人": ["申报受理", "公示", "确认与发证", "事后核查"],
    "职改办负责人": ["申报受理", "公示", "确认与发证", "事后核查", "档案管理"],
    "评委会秘书": ["评审会议"],
    "评审专家": ["我的评审"],
    "审计人员": ["审计"],
    "档案管理员": ["档案管理"],
    "系统管理员": ["系统管理"],
}


@step("demo-accounts-sign-in")
def demo_accounts_sign_in(b: Browser, s: Server) -> None:
    if not s.accounts:
        skip("serve --demo printed no demo accounts (a build without accounts)")
    roles: dict[str, str] = {}
    for username, role in s.accounts:  # one account per role (bcrypt makes each sign-in slow)
        roles.setdefault(role, username)
    for role, username in roles.items():
        b.login(username)
        b.visit("/")
        b.expect_text("退出登录", f"（{role}）")
        # The header's navigation for the role (built on the server), the current area marked.
        areas = [a.text.strip() for a in b.driver.find_elements("css selector", "header nav.areas a:not(#inbox-link)")]
        expected = ROLE_AREAS.get(role)
        check(expected is not None, f"no expected navigation for the role {role!r} (add it to ROLE_AREAS)")
        check(areas[:len(expected)] == expected and set(areas) <= set(expected) | {"人员管理"},
              f"{role}'s header navigation is {areas}, expected {expected}")
        first = b.driver.find_element("css selector", "header nav.areas a:not(#inbox-link)")
        b.visit(urllib.parse.urlsplit(first.get_attribute("href")).path)
        current = [a.text.strip() for a in b.driver.find_elements("css selector", "header nav.areas a[aria-current='page']")]
        check(current == [expected[0]], f"{role} on {b.path()}: the navigation marks {current}, not {expected[0]!r}")
        b.logout()
        b.expect_no_text("退出登录")
        b.visit("/")
        b.expect_text("登录", "申报人注册")
        b.expect_no_text("退出登录")


@step("county-clerk-sees-its-county", needs="demo-accounts-sign-in")
def county_clerk_sees_its_county(b: Browser, s: Server) -> None:
    """Seed item 6: the demo's 修武县 clerk (scoped by the administrator) sees only the county's
    applications in the office queue, the header names the county, and the city's application
    answers 403 naming both places."""
    if "xwclerk" not in [username for username, _ in s.accounts]:
        skip("serve --demo printed no county accounts (a build without them)")
    county = [r[0] for r in db_rows(s, "SELECT id FROM application_index WHERE jurisdiction = '410821' ORDER BY id")]
    other = [r[0] for r in db_rows(s, "SELECT id FROM application_index WHERE jurisdiction <> '410821' ORDER BY id")]
    check(county and other, "the demo season has no county application (or only county ones)")
    b.login("xwclerk")
    b.visit("/office?status=all")
    b.expect_text("修武县（410821）", f"共 {len(county)} 件（全部状态）", *county)
    b.expect_no_text(*other)
    city = [r[0] for r in db_rows(s, "SELECT id FROM application_index WHERE jurisdiction = 'city' ORDER BY id LIMIT 1")]
    b.visit(f"/office/applications/{city[0]}", status=403)
    b.expect_text("您是修武县（410821）的工作人员", f"申报{city[0]}由全市评审")
    b.visit("/office")
    b.logout()


# ---------------------------------------------------------------------------------------------
# the workflow scenario (issue 6): one engineer's application from registration to a revoked
# certificate, every person in their own signed-in browser session (`Browser.as_user`). The
# office's demo clock 演示时钟 runs the notice periods. Each step needs the one before it; a step
# whose console is not in this build skips, and so do the ones after it.

SCENARIO_PASSWORD = "Pingshen2026applicant"
ENGINEERING_EXAMPLE = REPO / "forms" / "examples" / "engineering-intermediate.json"


def resident_id(birth: str, sequence: int, region: str = "410802") -> str:
    """A valid 18-character 公民身份号码 (GB 11643: weights 2^(17-i) mod 11, check 1 0 X 9 … 2)."""
    body = f"{region}{birth}{sequence:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def masked(id_number: str) -> str:
    """The ID number as the public notice shows it: first 4 and last 4, ten stars between."""
    return id_number[:4] + "*" * 10 + id_number[-4:]


def db_rows(s: Server, sql: str, *args) -> list[tuple]:
    """Rows of the demo database (read only, beside the running server)."""
    import sqlite3

    connection = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def needs_console(s: Server, path: str, what: str) -> None:
    """Skips the step when `path` is not routed in this build (404 without signing in)."""
    status, _, _ = s.get(path)
    if status == 404:
        skip(f"{what} ({path}) is not in this build")


CHINESE_DAY = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def chinese_day(text: str, after: str = "") -> "datetime.date":
    import datetime

    m = CHINESE_DAY.search(text, text.index(after) if after and after in text else 0)
    check(m, f"no date after {after!r} in {text[:300]!r}")
    return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def demo_today(b: Browser) -> "datetime.date":
    import datetime

    b.as_user("head")
    b.visit("/demo/clock")
    return datetime.date.fromisoformat(b.driver.find_element("id", "today").text.strip())


def advance_clock_to(b: Browser, day: "datetime.date") -> None:
    """As the office head, moves the demo clock on to `day` (the scheduler runs for each day)."""
    today = demo_today(b)
    days = (day - today).days
    if days <= 0:
        return
    check(days <= 60, f"the demo clock would have to move {days} days (at most 60 at once)")
    b.fill("days", str(days))
    b.click("前进")
    b.expect_text(f"已前进 {days} 天", day.isoformat())


def scenario(s: Server) -> dict:
    return s.state.setdefault("scenario", {})


def who(s: Server, demo_name: str) -> str:
    """The account on `s` that does what the demo's `demo_name` does (the same name on a demo)."""
    return s.names.get(demo_name, demo_name)


@step("applicant-registers", needs="demo-accounts-sign-in")
def applicant_registers(b: Browser, s: Server) -> None:
    import json
    import random

    example = json.loads(ENGINEERING_EXAMPLE.read_text(encoding="utf-8"))
    birth = example["birth_date"].replace("-", "")
    # A new person each run: a random sequence (odd: male, as the example's gender).
    number = resident_id(birth, random.randrange(1, 999, 2))
    username = f"applicant{number[-6:].lower()}"
    hr = db_rows(
        s, "SELECT u.name, u.credit_code FROM accounts a JOIN units u ON u.id = a.unit_id WHERE a.username = ?",
        who(s, "hr1"))
    check(hr, f"no {who(s, 'hr1')} account with a unit")
    sc = scenario(s)
    sc.update(example=example, id_number=number, username=username, name="王志远",
              unit_name=hr[0][0], credit_code=hr[0][1])
    b.driver.delete_all_cookies()
    b.visit("/register")
    b.expect_text("申报人注册")
    b.fill("username", username)
    b.fill("display_name", sc["name"])
    b.fill("id_number", number[:-1] + ("0" if number[-1] != "0" else "1"))  # a wrong check digit first
    b.fill("password", SCENARIO_PASSWORD)
    b.fill("password_confirm", SCENARIO_PASSWORD)
    b.click("注册", status=422)
    b.expect_text("请修改以下内容后重新提交", "公民身份号码")
    b.fill("id_number", number)
    b.fill("password", SCENARIO_PASSWORD)
    b.fill("password_confirm", SCENARIO_PASSWORD)
    b.click("注册")
    check(b.path().startswith("/apply"), f"registration led to {b.path()}")
    b.expect_text("我的申报", "退出登录", "（申报人）")
    b.sessions[username] = b.driver.get_cookies()
    b.user = username


def fill_row(b: Browser, group: str, row: dict, index: int = 0) -> None:
    """Fills row `index` of a repeatable group, adding it first (添加一行, which saves what is
    typed so far and comes back with the new row) when the form does not show it yet."""
    if not b.driver.find_elements("css selector", f"[name^='{group}[{index}].']"):
        b.press(f"button[name='_action'][value='add:{group}']")
        b.expect_no_text("表单已失效")
    for key, value in row.items():
        b.fill(f"{group}[{index}].{key}", str(value))


def value_of(b: Browser, name: str) -> str:
    return b.driver.find_element("name", name).get_attribute("value") or ""


def step_values(sc: dict) -> dict:
    """The declaration's simple fields as a person types or picks them (choices by label)."""
    ex = sc["example"]
    labels = {  # choices by their labels, as a person picks them
        "gender": "男", "unit_kind": "非公有制企业", "work_location": "城镇", "highest_degree": "大学本科",
        "specialty": "计算机与软件",
    }
    values = {key: labels.get(key, str(ex[key])) for key in (
        "gender", "birth_date", "email", "unit_kind", "work_location", "current_title", "current_title_date",
        "highest_degree", "specialty", "technical_report")}
    values.update(unit_name=sc["unit_name"], unit_credit_code=sc["credit_code"])
    return values


def fill_present(b: Browser, values: dict) -> None:
    """Fills those of `values` the current step asks."""
    for key, value in values.items():
        if b.driver.find_elements("name", key):
            b.fill(key, value)


def current_step(b: Browser) -> str:
    """The title of the step the indicator marks current (aria-current="step")."""
    marked = b.driver.find_elements("css selector", "nav.steps a[aria-current='step']")
    check(len(marked) == 1, f"{b.path()}: {len(marked)} steps marked current")
    return re.sub(r"^\d+\s*", "", marked[0].text.strip())


def step_titles(b: Browser) -> list[str]:
    return [re.sub(r"^\d+\s*", "", a.text.strip()) for a in b.driver.find_elements("css selector", "nav.steps a")]


@step("applicant-fills-form-with-mistake", needs="applicant-registers")
def applicant_fills_form_with_mistake(b: Browser, s: Server) -> None:
    from selenium.webdriver.support.ui import Select

    sc = scenario(s)
    b.as_user(sc["username"])
    b.visit("/apply/new")
    # Nothing is chosen for the applicant: series and level start at 请选择.
    for name in ("form", "level"):
        chosen = Select(b.driver.find_element("name", name)).first_selected_option.text
        check(chosen == "请选择", f"the new declaration's {name} starts at {chosen!r}, not 请选择")
    b.fill("form", "工程技术系列专业技术职称申报表")
    b.fill("level", "中级")
    b.click("开始填写申报表")
    m = re.fullmatch(r"/apply/([A-Za-z0-9-]+)/form", b.path())
    check(m, f"starting a declaration led to {b.path()}")
    sc["application"] = m.group(1)
    b.expect_text("工程技术系列专业技术职称申报表", "保存草稿", "下一步", "第1步")
    # The steps, from the form's sections: 基本信息 first, 附件材料 before 预览并承诺 last.
    titles = step_titles(b)
    check(titles[0] == "基本信息" and titles[-2:] == ["附件材料", "预览并承诺"] and "工作经历" in titles,
          f"the declaration's steps are {titles}")
    # 申报通道 asks a 常规申报 only the youth relief's evidence (能力业绩特别突出: adjustments.youth
    # applies on any track); the other tracks' fields stay hidden (checked below and on that step).
    check("申报通道" in titles, f"the normal track lacks the 申报通道 step (能力业绩特别突出): {titles}")
    check(current_step(b) == "基本信息", f"the first step marked is {current_step(b)!r}")
    # A 常规申报 sees no other track's fields; 申报专业 comes before the personal details.
    b.expect_no_text("引进人才类别", "破格推荐专家", "举荐专家")
    before = b.driver.execute_script(
        "return !!(document.getElementById('f-specialty').compareDocumentPosition("
        "document.getElementById('f-name')) & Node.DOCUMENT_POSITION_FOLLOWING);")
    check(before, "申报专业 is not before 姓名 on the first step")
    # Prefilled from the account: the name and the ID number.
    name = b.driver.find_element("name", "name").get_attribute("value")
    check(name == sc["name"], f"the form's name is {name!r}, not the registered {sc['name']!r}")
    fill_present(b, step_values(sc))
    b.fill("phone", "1390391000")  # the mistake: ten digits
    b.click("下一步", status=422)
    b.expect_text("请修改以下", "联系电话")
    check(current_step(b) == "基本信息", f"a step with a problem went on to {current_step(b)!r}")
    # The error sits next to the field and the summary links to it.
    phone = b.driver.find_element("name", "phone")
    field = phone.find_element("xpath", "ancestor::div[contains(@class, 'field')][1]")
    check("has-problem" in field.get_attribute("class"), "the phone field is not marked has-problem")
    check("应为手机号码" in field.text, f"no phone error next to the field: {field.text!r}")
    check(phone.get_attribute("aria-invalid") == "true", "the phone input is not aria-invalid")
    check(phone.get_attribute("value") == "1390391000", "the mistaken phone number was not kept as typed")
    links = b.driver.find_elements("css selector", "#form-problems a[href='#f-phone']")
    check(links, "the problem summary does not link to #f-phone")
    # Everything else typed was kept (the draft is saved with every post).
    check(value_of(b, "unit_credit_code") == sc["credit_code"], "the credit code typed was not kept")
    problems = b.driver.find_elements("css selector", "#form-problems li")
    check(len(problems) == 1, f"one problem expected (the phone), the summary lists {[p.text for p in problems]}")
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", phone)
    b.screenshot("phone-error")


def small_jpeg(folder: Path) -> Path:
    """A valid 1×1 JPEG (134 bytes), made without outside tools."""
    import base64

    path = folder / "photo.jpg"
    path.write_bytes(base64.b64decode(
        "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////"
        "////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="))
    return path


def small_pdf(folder: Path) -> Path:
    """A valid one-page PDF (cross-reference offsets computed), made without outside tools."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 770 Td (Pingshen test) Tj ET\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = folder / "证明材料.pdf"
    path.write_bytes(bytes(out))
    return path


@step("applicant-fixes-and-submits", needs="applicant-fills-form-with-mistake")
def applicant_fixes_and_submits(b: Browser, s: Server) -> None:
    """Walks the declaration's steps with 下一步 (and once 上一步), each step saved as it goes,
    to 预览并承诺: the whole declaration once more, then the pledge."""
    sc = scenario(s)
    ex = sc["example"]
    app = sc["application"]
    b.as_user(sc["username"])
    b.visit(f"/apply/{app}/form")
    check(value_of(b, "phone") == "1390391000", "the mistaken phone number was not kept in the draft")
    b.fill("phone", ex["phone"])
    values = step_values(sc)
    rows = {
        "education": dict(ex["education"][0], degree="大学本科"),
        "work_history": dict(ex["work_history"][0], unit=sc["unit_name"]),
        "projects": dict(ex["projects"][0], role="主要参与"),
    }
    seen: list[str] = []
    went_back = False
    for _ in range(12):
        title = current_step(b)
        seen.append(title)
        fill_present(b, values)
        for group, row in rows.items():
            if b.driver.find_elements("css selector", f"button[value='add:{group}'], [name^='{group}[0].']"):
                fill_row(b, group, row)
        if b.driver.find_elements("css selector", "input[type='file'][name='photo']"):
            b.upload("photo", small_jpeg(s.workdir))
            b.upload("other_materials", small_pdf(s.workdir))
        if title == "申报通道":
            # A 常规申报 is asked only 能力业绩特别突出 here, never another track's fields.
            b.expect_text("能力业绩特别突出")
            b.expect_no_text("引进人才类别", "破格推荐专家", "举荐专家", "优秀青年人才举荐书")
        if title == "工作经历" and not went_back:
            # 上一步 saves this step too; the previous one shows what was typed there.
            went_back = True
            b.click("上一步")
            check(current_step(b) == seen[-2], f"上一步 led to {current_step(b)!r}, not {seen[-2]!r}")
            b.click("下一步")
            check(value_of(b, "work_history[0].position") == rows["work_history"]["position"],
                  "the work history typed before 上一步 was not kept")
        check(not b.driver.find_elements("css selector", "[name^='education[1].'], [name^='projects[1].']"),
              "the form shows a second education or project row nobody added")
        next_button = b.driver.find_element("css selector", "button[name='_action'][value='next']")
        if next_button.text.strip() == "预览并承诺":
            b.press("button[name='_action'][value='next']")
            break
        b.press("button[name='_action'][value='next']")
        check(current_step(b) != title, f"下一步 stayed on {title}: {b.text()[:300]!r}")
    check(b.path() == f"/apply/{app}/pledge", f"a complete form led to {b.path()}, not the pledge")
    check(seen[0] == "基本信息" and seen[-1] == "附件材料", f"the steps walked: {seen}")
    check(current_step(b) == "预览并承诺", f"the pledge page marks {current_step(b)!r}")
    b.expect_text("告知承诺书", "申报表预览", "本人郑重承诺", "本人已阅读并作出上述承诺",
                  ex["education"][0]["school"], "计算机与软件", "photo.jpg", "证明材料.pdf")
    # Submitting without ticking the pledge is refused.
    b.click("签署承诺书并提交申报", status=422)
    b.expect_text("暂不能提交", "勾选")
    b.tick("agree")
    b.click("签署承诺书并提交申报")
    check(b.path() == f"/apply/{app}?submitted=1", f"submission led to {b.path()}")
    # The receipt: the number, the time in Beijing time and what happens next.
    b.expect_text(f"申报 {app}", "申报已提交", f"申报编号：{app}", "北京时间", "下一步", "单位审核", "办理进度")
    receipt_links = b.driver.find_elements("css selector", "#receipt a#receipt-declaration")
    check(receipt_links and re.search(r"/documents/\d+\.html$", receipt_links[0].get_attribute("href") or ""),
          "the receipt does not link to the 申报表")
    timeline = [li.text for li in b.driver.find_elements("css selector", "#timeline li")]
    check(any("提交申报" in line for line in timeline), f"the timeline does not show the submission: {timeline}")
    b.expect_no_text("填写（修改）申报表")
    # The photo was kept with the declaration.
    # The declaration kept with the application holds both files.
    data = db_rows(s, "SELECT data FROM declarations WHERE application_id = ?", app)
    check(data and '"photo.jpg"' in data[0][0] and "证明材料.pdf" in data[0][0],
          "the submitted declaration does not hold photo.jpg and 证明材料.pdf")


@step("unit-recommends", needs="applicant-fixes-and-submits")
def unit_recommends(b: Browser, s: Server) -> None:
    needs_console(s, "/unit", "the unit HR console")
    sc = scenario(s)
    app = sc["application"]
    b.as_user(who(s, "hr1"))
    b.visit("/unit")
    b.expect_text("单位审核推荐", app, sc["name"], "（待办）")
    # The queue's search: by the applicant's name.
    b.fill("q", sc["name"])
    b.click("查询")
    b.expect_text("共 1 件", app)
    b.click(app)
    check(b.path() == f"/unit/applications/{app}", f"the unit's list led to {b.path()}")
    b.expect_text("开始单位公示", sc["name"])
    b.click("开始单位公示")
    b.expect_text("已开始单位公示", "最早可于")
    earliest = chinese_day(b.text(), "最早可于")
    # 推荐 is not offered before the notice has run its working days.
    buttons = [e.text.strip() for e in b.driver.find_elements("css selector", "button")]
    check("推荐" not in buttons, f"推荐 is offered during the unit notice: {buttons}")
    advance_clock_to(b, earliest)
    b.as_user(who(s, "hr1"))
    b.visit(f"/unit/applications/{app}")
    b.click("推荐")
    b.expect_text("已推荐至职改办资格审核")


@step("office-asks-correction", needs="unit-recommends")
def office_asks_correction(b: Browser, s: Server) -> None:
    """The clerk reads the whole dossier and asks, beside the fields, for one field (the phone)
    and one attachment (其他证明材料); the applicant may change just those, signs the pledge
    again and resubmits; the clerk sees the difference."""
    needs_console(s, "/office", "the office console")
    sc = scenario(s)
    app = sc["application"]
    b.as_user("clerk")
    b.visit(f"/office/applications/{app}")
    b.expect_text("申报材料", "学习经历 1", sc["example"]["education"][0]["school"], "符合申报条件", "需补正")
    check(b.driver.find_elements("css selector", ".dossier .photo img"), "the clerk's dossier shows no photo")
    old_phone = sc["example"]["phone"]
    b.tick("field", "phone")
    b.tick("field", "other_materials")
    b.click("告知补正")
    b.expect_text("已一次性告知补正")
    b.as_user(sc["username"])
    b.visit(f"/apply/{app}")
    b.expect_text("一次性告知补正", "联系电话", "附件：其他证明材料")
    b.click("修改需补正的项目")
    check(b.path() == f"/apply/{app}/form", f"the correction link led to {b.path()}")
    b.expect_text("只需修改补正通知列明的项目")
    check(not b.driver.find_elements("css selector", "[name='name'], [name='education[0].school'], [name='level']"),
          "fields the notice does not name can be edited")
    check(step_titles(b) == ["基本信息", "附件材料", "预览并承诺"], f"the correction's steps: {step_titles(b)}")
    new_phone = "13903918888"
    b.fill("phone", new_phone)
    b.click("下一步")
    b.upload("other_materials", small_pdf(s.workdir))
    b.press("button[name='_action'][value='next']")
    check(b.path() == f"/apply/{app}/pledge", f"the corrected form led to {b.path()}, not the pledge")
    b.tick("agree")
    b.click("签署承诺书并提交补正")
    check(b.path() == f"/apply/{app}", f"the correction's answer led to {b.path()}")
    b.expect_text("资格审核")
    versions = db_rows(s, "SELECT COUNT(*) FROM declarations WHERE application_id = ?", app)
    check(versions and versions[0][0] == 2, f"both declarations are kept: {versions}")
    sc["phone"] = new_phone
    b.as_user("clerk")
    b.visit(f"/office/applications/{app}")
    b.expect_text("补正修改的内容", "联系电话", old_phone, new_phone, "其他证明材料")


@step("office-accepts", needs="office-asks-correction")
def office_accepts(b: Browser, s: Server) -> None:
    needs_console(s, "/office", "the office console")
    sc = scenario(s)
    app = sc["application"]
    b.as_user("clerk")
    b.visit("/office")
    b.expect_text("职改办工作台", "资格审核", app)
    # Search every status by application number.
    b.fill("q", app)
    b.fill("status", "全部状态")
    b.click("查询")
    b.expect_text("共 1 件", app)
    b.click(app)
    b.expect_text(f"申报 {app}", sc["name"], "受理", "一次性告知补正")
    b.click("受理")
    # Irreversible: a confirmation page first, with a way back.
    b.expect_text(f"确认受理申报 {app}", "不能撤销", "返回")
    b.click("确认")
    b.expect_text("已受理，受理通知书已生成")
    b.visit(f"/office/applications/{app}")
    b.expect_text("已受理待评审")
    # The 申报表 the experts will read prints the corrected phone and the declared specialty.
    links = [a.get_attribute("href") for a in b.driver.find_elements("css selector", "a[href$='.html']")
             if "申报表" in a.find_element("xpath", "ancestor::tr[1] | ancestor::li[1]").text]
    check(links, "no 申报表 HTML among the application's documents")
    status, _, body = b.fetch(links[-1])
    text = body.decode("utf-8", "replace")
    check(status == 200, f"the 申报表 answered {status}")
    check(sc.get("phone", sc["example"]["phone"]) in text, "the 申报表 does not print the phone number")
    check("计算机与软件" in text, "the 申报表 does not print the declared specialty")


@step("applicant-reads-messages", needs="office-accepts")
def applicant_reads_messages(b: Browser, s: Server) -> None:
    """The applicant's 站内消息: the correction request naming the items and the acceptance,
    newest first, the unread count in the header; 查看详情 opens the application and counts down."""
    sc = scenario(s)
    app = sc["application"]
    b.as_user(sc["username"])
    b.visit("/messages")
    b.expect_text("站内消息", "申报已受理", "请补正申报材料", "联系电话", "附件：其他证明材料", f"申报编号 {app}")
    page = b.driver.find_element("css selector", "main").text
    check(page.index("申报已受理") < page.index("请补正申报材料"), "the messages are not newest first")

    def unread() -> int:
        found = re.search(r"(\d+)条未读", b.driver.find_element("css selector", "#inbox-link").text)
        return int(found.group(1)) if found else 0

    before = unread()
    check(before >= 2, f"the header counts {before} unread messages")
    b.click("查看详情")
    check(b.path() == f"/apply/{app}", f"the newest message led to {b.path()}")
    check(unread() == before - 1, f"reading one message left {unread()} of {before} unread")


def expert_accounts(s: Server) -> dict[str, str]:
    """expert record id → demo account username."""
    return {e: u for u, e in db_rows(s, "SELECT username, expert_id FROM accounts WHERE role = 'expert'")}


@step("committee-session", needs="office-accepts")
def committee_session(b: Browser, s: Server) -> None:
    needs_console(s, "/committee", "the committee sessions console")
    session, members, quorum = secretary_plans_and_draws(b, s, "C-engineering-intermediate")
    secretary_convenes(b, session, members, quorum)
    experts_vote(b, s, session, members, expert_accounts(s))
    secretary_closes(b, s, session, quorum)


def secretary_plans_and_draws(b: Browser, s: Server, committee: str) -> tuple[str, list[str], int]:
    """The secretary plans a session of `committee` for the scenario's application and draws
    the quorum: the session's id, the drawn experts' ids, the quorum."""
    sc = scenario(s)
    app = sc["application"]
    b.as_user("secretary")
    b.visit(f"/committee/new?committee={committee}")
    b.expect_text("安排评审会议", app, sc["name"])
    for box in b.driver.find_elements("css selector", "input[name='application']"):
        b.tick("application", box.get_attribute("value"), on=box.get_attribute("value") == app)
    b.fill("venue", "市人社局三楼会议室")
    b.click("安排会议")
    m = re.fullmatch(r"/committee/sessions/([A-Za-z0-9_.-]+)", b.path())
    check(m, f"planning led to {b.path()}")
    session = sc["session"] = m.group(1)
    b.expect_text(f"评审会议 {session}", "抽取评审专家", app)
    # Draw the quorum (the fewest who may meet), with a recorded seed.
    quorum = int(re.search(r"至少 (\d+) 人", b.text()).group(1))
    b.fill("needed", str(quorum))
    check(not b.driver.find_elements("id", "seed-input"), "the secretary can still type the draw's seed")
    b.click("抽取")
    b.expect_text("评审专家", "召开会议")
    seed = b.driver.find_element("id", "seed").text
    check(seed.isdigit() and int(seed) > 0, f"the draw recorded no seed: {seed!r}")
    members = [r.find_elements("tag name", "td")[0].text for r in
               b.driver.find_elements("css selector", "#members tbody tr")]
    check(len(members) == quorum, f"{len(members)} experts drawn, {quorum} wanted")
    return session, members, quorum


def secretary_convenes(b: Browser, session: str, members: list[str], quorum: int) -> None:
    """The secretary ticks every drawn expert present and opens the meeting."""
    b.as_user("secretary")
    b.visit(f"/committee/sessions/{session}")
    # Attendance is not pre-ticked: the secretary ticks each expert present.
    for box in b.driver.find_elements("css selector", "input[name='present']"):
        check(not box.is_selected(), "an attendance box is ticked in advance")
    for expert in members:
        b.tick("present", expert)
    b.click("开会")
    b.expect_text(f"确认召开评审会议 {session}", f"登记出席专家{quorum}人")
    b.click("确认")
    b.expect_text("已投票 0 /", "等待投票")


def experts_vote(b: Browser, s: Server, session: str, members: list[str], accounts: dict[str, str]) -> None:
    """Each present expert signs in (`accounts`: expert id → user name) and votes yes (secret
    ballot: the page keeps no choice); the first reads the candidate's whole declaration."""
    sc = scenario(s)
    for expert in members:
        check(expert in accounts, f"no account for drawn expert {expert}")
        b.as_user(accounts[expert])  # signing in lands on the expert's desk
        b.expect_text("评审专家工作台", session)
        b.click(session)
        check(b.path() == f"/expert/sessions/{session}", f"the expert's desk led to {b.path()}")
        b.expect_text(f"评审会议 {session}", sc["name"])
        if expert == members[0]:
            # The candidate's whole declaration: the education row, the project and the photo.
            b.click(sc["name"])
            b.expect_text("申报材料", "学习经历 1", sc["example"]["education"][0]["school"],
                          sc["example"]["projects"][0]["name"])
            photos = b.driver.find_elements("css selector", ".dossier .photo img")
            check(photos, "the expert's dossier shows no photo")
            status, kind, _ = b.fetch(photos[0].get_attribute("src"))
            check(status == 200 and kind.startswith("image/"), f"the photo answered {status} {kind}")
            b.visit(f"/expert/sessions/{session}")
        b.tick("choice", "yes")
        b.click("投票")
        b.expect_text("确认投票", "投“赞成”票", "不能更改")
        b.click("确认")
        b.expect_text("您的选票已投入票箱", "已投票")


def secretary_closes(b: Browser, s: Server, session: str, quorum: int) -> None:
    """The secretary counts the votes and closes the session; the applicant sees 评审通过."""
    sc = scenario(s)
    app = sc["application"]
    b.as_user("secretary")
    b.visit(f"/committee/sessions/{session}")
    b.expect_text(f"已投票 {quorum} / {quorum}")
    b.click("计票")
    b.expect_text(f"赞成 {quorum}、反对 0、弃权 0", "通过")
    b.click("闭会")
    b.expect_text(f"确认闭会 {session}", "表决结果即记入")
    b.click("确认")
    b.expect_text("会议纪要", "实到")
    b.expect_no_text("计票", "闭会后")
    b.as_user(sc["username"])
    b.visit(f"/apply/{app}")
    b.expect_text("评审通过")


@step("public-objection", needs="committee-session")
def public_objection(b: Browser, s: Server) -> None:
    """On a copy of the demo taken once the scenario's application passed (served on its own,
    as `localhost` so its cookies are its own; the main server's steps go on untouched): the
    clerk starts the application's notice, a member of the public lodges an objection on the
    notice's page and gets a receipt number, the clerk finds it in 网上异议 and registers it —
    the application is then under investigation with the receipt number as the objection's id."""
    import shutil
    import sqlite3

    sc = scenario(s)
    app = sc["application"]
    folder = s.workdir / "objection"
    folder.mkdir()
    source = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
    target = sqlite3.connect(folder / "pingshen.sqlite")
    source.backup(target)
    source.close()
    target.close()
    for part in ("keys", "uploads"):  # the office's keys, the applicants' files (the dossier's photo)
        if (s.db.parent / part).is_dir():
            shutil.copytree(s.db.parent / part, folder / part)
    process, log_file, copy = start_server(
        s.bin, ["--demo", "--db", str(folder / "pingshen.sqlite")], s.log.with_name("server-objection.log"),
        timeout=180)
    s.extra.append((process, log_file))
    copy.base = copy.base.replace("127.0.0.1", "localhost")
    copy.demo_password = copy.demo_password or s.demo_password
    copy.passwords, copy.names = s.passwords, s.names
    saved = (b.server, b.sessions, b.user)
    b.server, b.sessions = copy, {}
    try:
        b.as_user("clerk")
        b.visit("/office/notice")
        for box in b.driver.find_elements("css selector", "input[name='id']"):
            b.tick("id", box.get_attribute("value"), on=box.get_attribute("value") == app)
        batch = b.driver.find_element("id", "batch").get_attribute("value")
        b.click("开始公示")
        b.expect_text(f"公示批次 {batch} 已开始")

        # The public: the notice's page, its objection form, a receipt number.
        b.driver.delete_all_cookies()
        b.visit(f"/notices/{batch}")
        b.click("在线提出异议")
        b.expect_text("在线提出异议", "实名", batch)
        options = [o.text for o in b.driver.find_elements("css selector", "#objection-entry option")
                   if sc["name"] in o.text]
        check(len(options) == 1, f"{b.path()}: the list offers {options} for {sc['name']}")
        b.fill("entry", options[0])
        b.fill("objector", "王五")
        b.fill("contact", "0391-1234567")
        b.fill("facts", "申报人代表作系他人成果，署名存在争议，原稿可证。")
        b.click("提交异议")
        b.expect_text("异议已受理", "受理编号")
        receipt = b.driver.find_element("id", "objection-receipt").text.strip()
        check(re.fullmatch(r"YY-\d{4}-\d{5}", receipt), f"receipt number {receipt!r}")

        # The office's queue: listed as 待处理, registered against the application.
        b.as_user("clerk")
        b.visit("/office")
        b.click("网上异议")
        b.expect_text("网上异议", receipt, "待处理", sc["name"])
        b.click(receipt)
        b.expect_text(sc["name"], "王五", "0391-1234567", "署名存在争议")
        b.click("登记异议")
        b.expect_text("异议已登记", "已登记调查")
        b.visit(f"/office/applications/{app}")
        b.expect_text(receipt, "署名存在争议")
        b.expect_no_text("0391-1234567")
        b.visit("/notices/past")
        b.expect_text("往期公示")
    finally:
        b.driver.delete_all_cookies()
        b.server, b.sessions, b.user = saved
        b.visit("/")  # back on the main server: later steps' cookies are its own


@step("public-notice-runs", needs="committee-session")
def public_notice_runs(b: Browser, s: Server) -> None:
    sc = scenario(s)
    app = sc["application"]
    b.as_user("clerk")  # the machine lets only the clerk start a notice
    b.visit("/office/notice")
    b.expect_text("评审通过、待公示的申报", app)
    for box in b.driver.find_elements("css selector", "input[name='id']"):
        b.tick("id", box.get_attribute("value"), on=box.get_attribute("value") == app)
    batch = b.driver.find_element("id", "batch").get_attribute("value")
    b.click("开始公示")
    b.expect_text(f"公示批次 {batch} 已开始")
    b.visit(f"/office/applications/{app}")
    b.expect_text("评审结果公示中", "公示期至")
    end = chinese_day(b.text(), "公示期至")
    # The public list: the batch, the person with the ID number masked.
    b.driver.delete_all_cookies()
    b.visit("/notices")
    b.expect_text("评审结果公示", batch, sc["name"], masked(sc["id_number"]))
    check(sc["id_number"] not in b.text(), "/notices shows the full ID number")
    import datetime

    advance_clock_to(b, end + datetime.timedelta(days=1))
    b.visit(f"/office/applications/{app}")
    b.expect_text("待确认")


@step("office-confirms-and-certifies", needs="public-notice-runs")
def office_confirms_and_certifies(b: Browser, s: Server) -> None:
    sc = scenario(s)
    app = sc["application"]
    b.as_user("head")
    b.visit("/office/confirm")
    b.expect_text("公示期满、待确认的申报", app)
    for box in b.driver.find_elements("css selector", "input[name='id']"):
        b.tick("id", box.get_attribute("value"), on=box.get_attribute("value") == app)
    b.click("确认并生成取得资格通知")
    number = urllib.parse.parse_qs(urllib.parse.urlsplit(b.driver.current_url).query).get("number", [""])[0]
    check(number, f"confirming led to {b.path()}")
    b.expect_text(f"已以 {number} 确认")
    sc["approval"] = number
    b.as_user("clerk")  # the clerk issues the certificates (the head confirms)
    b.visit("/office/certificates")
    row = [r for r in b.driver.find_elements("css selector", "table.batches tbody tr") if number in r.text]
    check(row, f"/office/certificates has no row for {number}")
    button = row[0].find_elements("tag name", "button")
    check(button, f"/office/certificates: no 颁发证书 button for {number}: {row[0].text!r}")
    b._click_and_wait(button[0], "颁发证书", None)
    # The run page shows the progress (no timed refresh: axe's meta-refresh); reloaded until done.
    deadline = time.monotonic() + 60
    run_page = b.path()
    while True:
        page = b.text()
        if "本批证书已全部颁发" in page:
            break
        stopped = re.search(r"颁发中止.*", page)
        check(not stopped, f"{b.path()}: the certificate run stopped: {stopped.group(0) if stopped else ''}")
        check(time.monotonic() < deadline, f"{b.path()}: the certificates were not issued in 60 s")
        time.sleep(0.5)
        b.visit(run_page)
    b.screenshot("certificates-issued")
    b.visit(f"/office/applications/{app}")
    b.expect_text("已发证")


@step("office-certificate-list-and-batch-pages", needs="office-confirms-and-certifies")
def office_certificate_list_and_batch_pages(b: Browser, s: Server) -> None:
    """Issue 15 (and 14's leftover: pages no other step opens get axe and the 390 px check):
    the certificates searched by application number across every 文号 and within the
    scenario's, the 批量受理 and 批量推荐 lists."""
    sc = scenario(s)
    app, number = sc["application"], sc["approval"]
    b.as_user("clerk")
    b.visit("/office/accept")
    b.expect_text("批量受理")
    b.visit("/office/certificates")
    b.expect_text("已颁发的证书", number)
    b.fill("q", app)
    b.click("查询")
    b.expect_text("共 1 张证书", app, sc["name"], "有效")
    b.visit("/office/certificates/run?number=" + urllib.parse.quote(number))
    b.expect_text(f"确认文号 {number}", "本批证书", "下载")
    b.fill("q", sc["name"])
    b.click("查询")
    b.expect_text(app, "清除条件")
    check(f"number={urllib.parse.quote(number)}" in b.driver.current_url or "number=" in b.driver.current_url,
          f"the search left the 文号's page: {b.driver.current_url}")
    b.as_user(who(s, "hr1"))
    b.visit("/unit/recommend")
    b.expect_text("批量推荐")


@step("archivist-finds-the-package", needs="office-confirms-and-certifies")
def archivist_finds_the_package(b: Browser, s: Server) -> None:
    """Issue 16: the confirmation just made is built as a signed package by the server's
    archive job, checked for the four properties at filing, and catalogued with 档号."""
    finds_the_package(b, s, "archivist")


def finds_the_package(b: Browser, s: Server, account: str) -> None:
    """`account` (the archivist or the head) finds at /archive the package of the scenario's
    confirmation, with a passing filing check, and the applicant's records with 档号."""
    sc = scenario(s)
    number, app = sc["approval"], sc["application"]
    b.as_user(account)
    deadline = time.monotonic() + 90
    while True:
        b.visit("/archive")
        rows = [r for r in b.driver.find_elements("css selector", "table.packages tbody tr") if number in r.text]
        if rows and "四性检测通过" in rows[0].text:
            break
        check(not (rows and "未通过" in rows[0].text), f"/archive: the package of {number} failed: {rows[0].text if rows else ''}")
        check(time.monotonic() < deadline, f"/archive: no checked package for {number} in 90 s: {[r.text for r in rows]}")
        time.sleep(1)
    link = rows[0].find_elements("tag name", "a")
    check(link, f"/archive: the package of {number} has no link: {rows[0].text!r}")
    b._click_and_wait(link[0], "package", None)
    b.expect_text(f"归档包 decision-", "归档检测通过", number, "真实性：通过", "完整性：通过", "安全性：通过", "可用性：")
    b.expect_text("取得资格通知", app)
    # The catalogue finds the applicant's records by application number, each with its 档号.
    b.visit("/archive?q=" + urllib.parse.quote(app))
    codes = [r.text for r in b.driver.find_elements("css selector", "table.records tbody tr")]
    check(codes and all(app in c for c in codes), f"/archive?q={app}: {codes[:3]}")
    check(any(re.search(r"J012-\d{4}-Y-ZCB-\d{4}", c) for c in codes), f"/archive?q={app}: no permanent 档号 in {codes[:3]}")


def qr_url(image_data_uri: str, folder: Path) -> str | None:
    """The text of the QR code in a `data:image/png;base64,…` image (zbarimg), or None when
    zbarimg is missing."""
    import base64

    if not shutil.which("zbarimg"):
        return None
    check(image_data_uri.startswith("data:image/"), f"the QR image is not a data URI: {image_data_uri[:60]!r}")
    png = folder / "qr.png"
    png.write_bytes(base64.b64decode(image_data_uri.split(",", 1)[1]))
    run = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, timeout=30)
    check(run.returncode == 0 and run.stdout.strip(), f"zbarimg read no QR code: {run.stderr.strip()}")
    return run.stdout.strip()


@step("applicant-downloads-certificate", needs="office-confirms-and-certifies")
def applicant_downloads_certificate(b: Browser, s: Server) -> None:
    sc = scenario(s)
    app = sc["application"]
    b.as_user(sc["username"])
    deadline = time.monotonic() + 30
    while True:  # the documents are rendered in the background after each step
        b.visit(f"/apply/{app}")
        b.expect_text("已发证", "专业技术职务任职资格证书")
        rows = [r for r in b.driver.find_elements("css selector", "#documents tbody tr")
                if "资格证书" in r.text and r.find_elements("css selector", "a[href$='.html']")]
        if rows or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    check(rows, f"/apply/{app}: no rendered certificate among the documents")
    links = {a.text.strip(): a.get_attribute("href") for a in rows[0].find_elements("tag name", "a")}
    html_link = next((h for h in links.values() if h.endswith(".html")), None)
    odt_link = next((h for h in links.values() if h.endswith(".odt")), None)
    check(html_link and odt_link, f"the certificate row has links {links}")
    # Downloaded with the applicant's session, kept beside the screenshots.
    status, kind, html = b.fetch(urllib.parse.urlsplit(html_link).path)
    check(status == 200 and "text/html" in kind, f"{html_link}: {status} {kind}")
    status, kind, odt = b.fetch(urllib.parse.urlsplit(odt_link).path)
    check(status == 200 and "opendocument.text" in kind, f"{odt_link}: {status} {kind}")
    check(odt[:2] == b"PK" and b"application/vnd.oasis.opendocument.text" in odt[:100], "the ODT is not an ODF package")
    (b.shots / "certificate.html").write_bytes(html)
    (b.shots / "certificate.odt").write_bytes(odt)
    text = html.decode("utf-8")
    m = re.search(r"证书编号：\s*([^<\s]+)", text)
    check(m, "the certificate names no 证书编号")
    number = m.group(1)
    code = re.search(r"核验码[：:\s]*([A-Z0-9]+)", text)
    check(code, "the certificate shows no 核验码")
    check(sc["name"] in text and sc["id_number"] in text, "the certificate does not name the holder and ID number")
    check(sc["approval"] in text, f"the certificate does not carry the approval number {sc['approval']}")
    check(re.search(r'<img class="photo[^"]*"[^>]*src="data:image/', text), "the certificate shows no photo")
    check("计算机与软件" in text, "the certificate does not print the declared specialty")
    check("证书状态" not in text, "the certificate prints a live status line")
    qr = re.search(r'<img class="qr[^"]*"[^>]*src="([^"]+)"', text)
    check(qr, "the certificate has no QR image")
    url = qr_url(qr.group(1), s.workdir)
    base = re.search(r"^\s*verification_base_url:\s*[\"']?([^\s\"'#]+)", (REPO / "policy" / "policy.yaml").read_text(encoding="utf-8"), re.M).group(1)
    if url is None:  # no zbarimg: the URL the QR encodes is the policy's base with number and code
        print("      (zbarimg missing: the QR URL is rebuilt from the number and code)", flush=True)
        url = f"{base}?{query(number, code.group(1))}"
    check(url.startswith(base + "?"), f"the QR encodes {url!r}, not the policy's verification URL {base}")
    fields = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    check(fields.get("number") == [number] and fields.get("code") == [code.group(1)],
          f"the QR URL {url!r} does not carry number {number} and code {code.group(1)}")
    sc.update(certificate=number, code=code.group(1), qr_url=url)
    # The certificate as the applicant sees it (a screenshot of the downloaded file).
    b.visit((b.shots / "certificate.html").as_uri())
    b.expect_text("专业技术职务任职资格证书", number)


@step("prints-cleanly", needs="applicant-downloads-certificate")
def prints_cleanly(b: Browser, s: Server) -> None:
    """Print styles: the clerk's dossier page and the applicant's page with the certificate
    print black on white on A4 without the site's header, navigation, forms or buttons, tables
    ruled (the PDFs are kept beside the screenshots)."""
    sc = scenario(s)
    app = sc["application"]
    b.visit("/")  # the last step ended on a saved file: cookies are put back on the site
    b.as_user("clerk")
    b.visit(f"/office/applications/{app}")
    b.expect_text("申报材料")
    problems, pages = b.print_page("print-dossier")
    check(not problems, "\n    ".join(problems))
    check(pages >= 1, f"the dossier printed {pages} pages")
    b.as_user(sc["username"])
    b.visit(f"/apply/{app}")
    problems, pages = b.print_page("print-application")
    check(not problems, "\n    ".join(problems))


def visit_qr(b: Browser, url: str) -> None:
    """Opens the QR URL on this server: its path as WebApp serves `verification_base_url`."""
    parts = urllib.parse.urlsplit(url)
    b.visit(f"{verification_path()}?{parts.query}")


@step("public-verifies-valid", needs="applicant-downloads-certificate")
def public_verifies_valid(b: Browser, s: Server) -> None:
    sc = scenario(s)
    b.driver.delete_all_cookies()
    b.user = None
    visit_qr(b, sc["qr_url"])
    b.expect_text("证书查验结果", "有效：该证书真实有效", sc["certificate"], sc["name"], sc["approval"])
    b.expect_no_text("已撤销")
    # The same certificate through the form.
    b.visit("/verify")
    b.fill("number", sc["certificate"])
    b.fill("code", sc["code"])
    b.click("查验")
    b.expect_text("有效：该证书真实有效", sc["certificate"])


@step("office-revokes", needs="public-verifies-valid")
def office_revokes(b: Browser, s: Server) -> None:
    sc = scenario(s)
    app = sc["application"]
    b.as_user("head")
    b.visit(f"/office/applications/{app}")
    b.expect_text("撤销证书", sc["certificate"])
    b.fill("reason", "经事后核查，申报材料中的工作经历与实际不符，属以不正当手段取得职称。")
    b.click("撤销证书")
    b.expect_text("证书已撤销，撤销决定书已生成")
    b.expect_text("已撤销")


@step("public-verifies-revoked", needs="office-revokes")
def public_verifies_revoked(b: Browser, s: Server) -> None:
    sc = scenario(s)
    b.driver.delete_all_cookies()
    b.user = None
    visit_qr(b, sc["qr_url"])
    b.expect_text("已撤销", sc["certificate"], "撤销决定文号", "撤销日期")
    b.expect_no_text("有效：该证书真实有效")
    check(b.driver.find_elements("css selector", "article.result-revoked"), f"{b.path()}: no result-revoked article")
    # The applicant's page says so too, and the revocation decision is among the documents.
    b.as_user(sc["username"])
    b.visit(f"/apply/{sc['application']}")
    b.expect_text("撤销决定书")


# ---------------------------------------------------------------------------------------------
# from zero (issue 17 item 6): no demo — `pingshen init --test-clock` on a new database (a
# training installation: its notice periods pass on the clock the office moves), then the office
# sets itself up through the web on a second server, and one application runs to its verified
# certificate through the demo path's own steps (`using_server`, `application_runs_to_certificate`).

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(prefix17: str) -> str:
    """A unified social credit code (GB 32100) from its first 17 characters."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(prefix17, CREDIT_WEIGHTS))
    return prefix17 + CREDIT_ALPHABET[(31 - total % 31) % 31]


def sign_in_at(b: Browser, server: Server, username: str, password: str) -> None:
    """Signs in on another server (its own cookies: the main server's are dropped)."""
    b.driver.delete_all_cookies()
    b.user = None
    b.visit(server.url("/login"))
    b.fill("username", username)
    b.fill("password", password)
    b.click("登录")
    check("用户名或密码" not in b.text(), f"sign-in as {username!r} on the new office refused")


def experts_xlsx(folder: Path, count: int, committee: str) -> Path:
    """An XLSX of `count` experts made with openpyxl, as an office keeps its pool."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "专家库"
    sheet.append(["专家编号", "姓名", "所在单位统一社会信用代码", "所在单位名称", "职称", "专业", "评委会编号", "聘期起", "聘期止", "状态"])
    for i in range(1, count + 1):
        sheet.append([f"ZJ{i:03d}", f"专家{i}号", credit_code(f"12410800MB{i:07d}"), f"焦作市第{i}研究院",
                      "正高级工程师", "机械工程、电气工程", committee, "2026-01-01", "2028-12-31", "在库"])
    path = folder / "experts.xlsx"
    workbook.save(path)
    return path


@step("from-zero")
def from_zero(b: Browser, s: Server) -> None:
    folder = s.workdir / "zero"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "pingshen.sqlite"
    password = "Jiaozuo2026admin"
    # A training installation (its notice periods must pass on a clock the office moves): the
    # set-up event says so, every page shows it, the audit reports it.
    run = subprocess.run(
        [str(s.bin), "init", "--db", str(db), "--office", "焦作市职称改革领导小组办公室", "--fonds", "J012", "--admin", "root",
         "--test-clock"],
        cwd=REPO, input=password + "\n", capture_output=True, text=True, timeout=120)
    check(run.returncode == 0, f"pingshen init: {run.stderr[-400:]}")
    check(TEST_CLOCK_BANNER in run.stdout, f"pingshen init --test-clock does not say so: {run.stdout[-400:]}")
    zero = s.serve_db(db, "zero")
    zero.workdir, zero.demo_password = folder, STAFF_PASSWORD
    # The administrator creates the office's staff.
    sign_in_at(b, zero, "root", password)
    b.visit(zero.url("/admin"))
    b.expect_text("焦作市职称改革领导小组办公室（全宗号 J012）", TEST_CLOCK_BANNER, "初始化系统")
    for username, name, role in (("clerk", "王经办", "职改办经办人"), ("head", "赵主任", "职改办负责人"),
                                 ("secretary", "钱秘书", "评委会秘书")):
        b.fill("username", username)
        b.fill("name", name)
        b.fill("role", role)
        b.fill("password", STAFF_PASSWORD)
        # The staff rows have reason fields of their own: the form's is the one with the id.
        b.driver.find_element("id", "reason").send_keys("新入职工作人员")
        b.click("创建账户")
        b.expect_text("账户已创建", username, name)
    # A unit registers (no one signed in) and the administrator approves it.
    b.driver.delete_all_cookies()
    code = credit_code("12410800MB1234567")
    b.visit(zero.url("/units/register"))
    b.fill("unit_kind", "事业单位")
    b.fill("county", "市直单位（不属于县、市、区）")
    b.fill("unit_name", "焦作市中医院")
    b.fill("credit_code", code)
    b.fill("contact_name", "李华")
    b.fill("contact_phone", "0391-1234567")
    b.fill("username", "zyy-hr")
    b.fill("password", "UnitHR2026pass")
    b.click("提交注册申请")
    b.expect_text("正在等待职改办审核")
    sign_in_at(b, zero, "root", password)
    b.visit(zero.url("/admin/units"))
    b.expect_text("焦作市中医院", code)
    b.fill("reason", "材料齐全，予以通过")  # the first reason field: the approval's
    b.click("通过")
    b.expect_text("已通过注册", "U-" + code)
    # A committee set up by a decision, and 30 experts imported from an openpyxl XLSX.
    b.visit(zero.url("/admin/committees"))
    for name, value in [("id", "PW-GC"), ("name", "焦作市工程系列中级评审委员会"), ("series", "工程技术"),
                        ("level", "中级"), ("members", "15"), ("term_start", "2026-01-01"),
                        ("term_end", "2028-12-31"), ("decision", "焦职改〔2026〕3号")]:
        b.fill(name, value)
    b.click("组建评委会")
    b.expect_text("评委会已组建", "焦职改〔2026〕3号")
    b.visit(zero.url("/admin/experts"))
    b.upload("file", experts_xlsx(folder, 30, "PW-GC"))
    b.click("导入")
    b.expect_text("已导入专家30人", "共30人", "专家30号")
    # The administrator issues an expert of the pool an account in advance: a one-time code,
    # shown once, that the expert redeems at /password-reset.
    b.press("#issue-ZJ001")
    b.expect_text("专家账户的一次性设置码", "专家1号", "新账户")
    expert_code = one_time_code(b, "//table[@id='expert-codes']//tr[td[1]='ZJ001']/td[4]")
    redeem_code(b, zero, "ZJ001", expert_code, "Expert2026pass1")
    sign_in_at(b, zero, "ZJ001", "Expert2026pass1")
    check(b.path().startswith("/expert"), f"the expert's account landed on {b.path()}")
    b.expect_text("评审专家工作台", "目前没有需要您参加的评审会议")
    # The unit's HR account is the unit's administrator: it adds an HR reviewer of its unit.
    sign_in_at(b, zero, "zyy-hr", "UnitHR2026pass")
    check(b.path().startswith("/unit"), f"the unit's account landed on {b.path()}")
    b.click("管理本单位人事审核账户")
    b.expect_text("本单位人事审核账户", "还没有人事审核账户")
    b.fill("s-username", "zyy-rev1")
    b.fill("s-name", "王审核")
    b.fill("s-reason", "新增人事审核人员")
    b.click("添加")
    b.expect_text("人事审核账户已添加", "zyy-rev1", "王审核", "使用中", "添加人事审核账户 zyy-rev1（王审核）")
    reviewer_code = one_time_code(b, "//section[@id='issued-code']//p[@class='code']/strong")
    redeem_code(b, zero, "zyy-rev1", reviewer_code, "Reviewer2026pass")
    sign_in_at(b, zero, "zyy-rev1", "Reviewer2026pass")
    check(b.path().startswith("/unit"), f"the reviewer's account landed on {b.path()}")
    b.expect_no_text("管理本单位人事审核账户")
    b.driver.delete_all_cookies()
    b.user = None
    zero.names["hr1"] = "zyy-hr"
    zero.passwords.update({"root": password, "zyy-hr": "UnitHR2026pass", "ZJ001": EXPERT_PASSWORD})
    with using_server(b, zero):
        application_runs_to_certificate(b, zero, "PW-GC")
        # The office's own archive: the confirmation's package built by the server, found by the head.
        finds_the_package(b, zero, "head")
    audit = subprocess.run([str(s.bin), "audit", "verify", "--db", str(db)], cwd=REPO, capture_output=True,
                           text=True, timeout=120)
    check(audit.returncode == 0, f"pingshen audit verify on the new office: {audit.stdout[-600:]}")
    check(TEST_CLOCK_BANNER in audit.stdout, f"pingshen audit verify does not report the test clock: {audit.stdout[-400:]}")


TEST_CLOCK_BANNER = "培训/测试环境：时钟可调，不得用于正式评审"
STAFF_PASSWORD = "Office2026staff"
EXPERT_PASSWORD = "Expert2026pass1"


class using_server:
    """`with using_server(b, other):` the demo path's helpers run on `other` — relative paths
    go to it, and each person's cookies are that server's (cookies do not tell ports apart)."""

    def __init__(self, b: Browser, other: Server):
        self.b, self.other = b, other

    def __enter__(self):
        self.saved = self.b.server, self.b.sessions, self.b.user
        self.b.server, self.b.sessions, self.b.user = self.other, {}, None
        self.b.driver.delete_all_cookies()

    def __exit__(self, *_):
        self.b.driver.delete_all_cookies()
        self.b.server, self.b.sessions, self.b.user = self.saved
        return False


def application_runs_to_certificate(b: Browser, s: Server, committee: str) -> None:
    """On the new office (`s`), the demo path's stages with its helpers: the applicant
    registers and declares, the unit's notice runs on the test clock and the unit recommends,
    the clerk accepts, the secretary draws `committee`'s experts, the administrator issues the
    whole draw its accounts, the experts redeem their codes and vote, the public notice runs,
    the head confirms, the clerk issues the certificate, and it verifies."""
    b.visit("/")
    b.expect_text(TEST_CLOCK_BANNER)  # every page, signed in or not
    applicant_registers(b, s)
    applicant_fills_form_with_mistake(b, s)
    applicant_fixes_and_submits(b, s)
    unit_recommends(b, s)
    office_accepts(b, s)
    session, members, quorum = secretary_plans_and_draws(b, s, committee)
    # The administrator issues an account to every expert the draw seated (ZJ001 has one).
    b.as_user("root")
    b.visit("/admin/experts")
    b.fill("a-session", next(o.text for o in b.driver.find_elements("css selector", "#a-session option")
                             if session in o.text))
    b.click("为本次抽取的专家发放账户")
    b.expect_text("专家账户的一次性设置码")
    codes = {}
    for expert in members:
        cell = f"//table[@id='expert-codes']//tr[td[1]='{expert}']/td[4]"
        if expert == "ZJ001":
            check(not b.driver.find_elements("xpath", cell), "ZJ001, who has an account, got a new code")
            b.expect_text("已有账户 ZJ001")
        else:
            codes[expert] = one_time_code(b, cell)
    for expert, code in codes.items():
        redeem_code(b, s, expert, code, EXPERT_PASSWORD)
        s.passwords[expert] = EXPERT_PASSWORD
    secretary_convenes(b, session, members, quorum)
    experts_vote(b, s, session, members, {m: m for m in members})
    secretary_closes(b, s, session, quorum)
    public_notice_runs(b, s)
    office_confirms_and_certifies(b, s)
    applicant_downloads_certificate(b, s)
    public_verifies_valid(b, s)


def one_time_code(b: Browser, xpath: str) -> str:
    """The one-time code shown once at `xpath` (twelve letters and digits)."""
    found = b.driver.find_elements("xpath", xpath)
    check(found, f"no one-time code at {xpath} on {b.path()}")
    code = found[0].text.strip()
    check(re.fullmatch(r"[A-Z2-9]{12}", code), f"not a one-time code: {code!r}")
    return code


def redeem_code(b: Browser, server: Server, username: str, code: str, password: str) -> None:
    """The person sets a password with the code handed over (signed out, on `server`)."""
    b.driver.delete_all_cookies()
    b.user = None
    b.visit(server.url("/password-reset"))
    b.fill("username", username)
    b.fill("code", code)
    b.fill("password", password)
    b.click("设置新密码")
    check("重置码不正确" not in b.text(), f"the code for {username!r} was refused")


# ---------------------------------------------------------------------------------------------
# the runner


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--bin", default=os.environ.get("PINGSHEN_BIN", str(REPO / ".build" / "debug" / "pingshen")),
        help="the pingshen executable (default $PINGSHEN_BIN or .build/debug/pingshen)",
    )
    parser.add_argument("--out", default=str(REPO / "out" / "browser"), help="screenshots and server log")
    parser.add_argument("--applications", type=int, default=int(os.environ.get("BROWSER_APPLICATIONS", "30")))
    parser.add_argument("--only", action="append", default=[], help="run only these steps (repeatable)")
    parser.add_argument("--startup-timeout", type=float, default=300)
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--chromedriver", default=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    parser.add_argument("--keep", action="store_true", help="keep the demo folder (its path is printed)")
    args = parser.parse_args()

    binary = Path(args.bin).resolve()
    if not binary.is_file():
        print(f"browser: FAILED step 'setup': no pingshen executable at {binary} (build it, or set PINGSHEN_BIN)")
        return 1
    for tool in (args.chromium, args.chromedriver):
        if not shutil.which(tool):
            print(f"browser: FAILED step 'setup': {tool} not found (apt-get install chromium chromium-driver)")
            return 1
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("browser: FAILED step 'setup': python module selenium missing (python3 -m pip install selenium)")
        return 1
    try:
        import axe_selenium_python  # noqa: F401 — its bundled axe-core checks every page
    except ImportError:
        print("browser: FAILED step 'setup': python module axe_selenium_python missing "
              "(python3 -m pip install axe-selenium-python)")
        return 1

    shots = Path(args.out)
    if shots.exists():
        shutil.rmtree(shots)
    shots.mkdir(parents=True)
    workdir = Path(tempfile.mkdtemp(prefix="pingshen-browser-"))
    selected = [s for s in STEPS if not args.only or s.name in args.only]
    started = time.monotonic()

    process = log_file = browser = server = None
    passed, failed, skipped, known = [], [], [], []
    # SIGTERM (a CI timeout) unwinds through `finally` like Ctrl-C does.
    def interrupted(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        try:
            demo = workdir / "demo"
            process, log_file, server = start_server(
                binary, ["--demo", "--out", str(demo), "--applications", str(args.applications)],
                shots / "server.log", args.startup_timeout,
            )
            server.db, server.workdir, server.applications = demo / "pingshen.sqlite", workdir, args.applications
        except StepFailed as e:
            failed.append(("start-server", str(e)))
            raise KeyboardInterrupt from None  # to the summary, through `finally`
        print(f"server: {server.base} ready after {time.monotonic() - started:.1f} s; "
              f"{len(server.certificates)} sample certificates", flush=True)
        browser = Browser(server, shots, args.chromium, args.chromedriver)
        for s in selected:
            if s.needs and s.needs in [f for f, _ in failed] + skipped:
                skipped.append(s.name)
                print(f"SKIP  {s.name} (needs {s.needs})", flush=True)
                continue
            browser.step = s.name
            browser.take_console_errors()
            browser.take_page_problems()
            t0 = time.monotonic()
            try:
                s.run(browser, server)
                errors = browser.take_console_errors()
                check(not errors, "browser console errors:\n    " + "\n    ".join(errors))
                problems = browser.take_page_problems()
                check(not problems, "accessibility and layout (axe-core, 390 px):\n    " + "\n    ".join(problems))
            except StepSkipped as e:
                skipped.append(s.name)
                print(f"SKIP  {s.name}: {e}", flush=True)
                continue
            except Exception as e:  # a check, or a selenium or network error: the step's failure
                message = str(e) if isinstance(e, StepFailed) else f"{type(e).__name__}: {e}"
                try:
                    browser.screenshot("FAILED")
                except Exception:
                    pass
                try:
                    page_text = browser.text()
                except Exception:
                    page_text = ""
                if s.known_issue and (not s.known_sign or s.known_sign in message + page_text):
                    known.append(s.name)
                    print(f"KNOWN {s.name}: {s.known_issue}\n      ({message[:300]})", flush=True)
                    continue
                failed.append((s.name, message))
                print(f"FAIL  {s.name}: {message}", flush=True)
                if not isinstance(e, StepFailed):
                    traceback.print_exc(limit=3)
                continue
            passed.append(s.name)
            print(f"ok    {s.name} ({time.monotonic() - t0:.1f} s)", flush=True)
            if s.known_issue:
                print(f"      {s.name} passes now: remove its known_issue mark ({s.known_issue})", flush=True)
    except KeyboardInterrupt:
        if not failed or failed[-1][0] != "start-server":
            failed.append(("interrupted", "stopped by a signal"))
    finally:
        if browser:
            browser.quit()
        if process:
            stop_server(process)
        for other, other_log in (server.extra if server else []):
            stop_server(other)
            other_log.close()
        if log_file:
            log_file.close()
        if args.keep:
            print(f"demo folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"screenshots and server log: {shots} ({time.monotonic() - started:.1f} s in all; "
          f"axe-core and 390 px checks on {browser.axe_pages if browser else 0} pages, "
          f"{browser.check_seconds if browser else 0:.0f} s)")
    for name, message in failed:
        print(f"browser: FAILED step '{name}': {message}")
    for name in known:
        print(f"browser: known issue in step '{name}' (not counted as a failure)")
    line = f"browser: {len(passed)} passed, {len(failed)} failed"
    print(line + (f", {len(skipped) + len(known)} skipped" if skipped or known else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
