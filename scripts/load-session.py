#!/usr/bin/env python3
"""Signs up an applicant on a running Pingshen server and starts an engineering declaration,
for the logged-in load targets of scripts/load.sh. Prints shell assignments:

    PINGSHEN_COOKIE='ps_session=…'  PINGSHEN_CSRF='…'  PINGSHEN_APPLICATION='W2026-00001'
    PINGSHEN_FORM_BODY='name=…&phone=…&_action=save'

Usage: scripts/load-session.py http://127.0.0.1:PORT  (stdlib only)
"""
import http.cookiejar
import json
import random
import re
import sys
import urllib.parse
import urllib.request
from pathlib import Path

base = sys.argv[1].rstrip("/")
jar = http.cookiejar.CookieJar()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())


def request(path, fields=None):
    data = urllib.parse.urlencode(fields).encode() if fields is not None else None
    try:
        with opener.open(base + path, data) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def csrf(html):
    m = re.search(r'name="_csrf" value="([^"]+)"', html)
    if not m:
        sys.exit("load-session: no CSRF token on the page")
    return m.group(1)


def resident_id():
    body = "110105" + "1985%02d%02d" % (random.randint(1, 12), random.randint(1, 28)) + "%03d" % random.randint(0, 999)
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


_, _, page = request("/register")
username = "load%06d" % random.randint(0, 999999)
idn = resident_id()
status, headers, _ = request("/register", {
    "_csrf": csrf(page), "username": username, "display_name": "压测申报人", "id_number": idn,
    "password": "Loadtest2026pw", "password_confirm": "Loadtest2026pw"})
if status != 303:
    sys.exit(f"load-session: registration answered {status}")
_, _, page = request("/apply/new")
token = csrf(page)
status, headers, _ = request("/apply/new", {"_csrf": token, "form": "engineering", "level": "intermediate", "track": "normal"})
location = headers.get("Location", "")
m = re.match(r"/apply/([^/]+)/form", location)
if status != 303 or not m:
    sys.exit(f"load-session: starting a declaration answered {status} {location}")
application = m.group(1)

example = json.loads((Path(__file__).resolve().parent.parent / "forms/examples/engineering-intermediate.json").read_text())
fields = {k: v for k, v in example.items() if isinstance(v, str)}
fields["id_number"] = idn
fields["name"] = "压测申报人"
body = urllib.parse.urlencode(list(fields.items()) + [("_action", "save")])
cookie = "; ".join(f"{c.name}={c.value}" for c in jar if c.name == "ps_session")
print(f"PINGSHEN_COOKIE='{cookie}'")
print(f"PINGSHEN_CSRF='{token}'")
print(f"PINGSHEN_APPLICATION='{application}'")
print(f"PINGSHEN_FORM_BODY='{body}'")
