#!/usr/bin/env python3
"""Hostile clients against a running Pingshen server (scripts/attack.sh starts one): what an
anonymous or signed-in client can make the server spend, and what it can do to others.

    scripts/attack.py http://127.0.0.1:PORT SERVER_PID [--quick] [--only=flood,half_sent,…]

Categories (issue 13, items 1, 5, 6): an anonymous flood of large multipart POSTs (peak memory),
half-sent requests (connections held, are others still answered), bodies dripping in,
registrations racing with one ID number, a sign-in lockout attempt against `head`, sign-in
timing for known and unknown user names, uploads beyond a field's file count. Attackers use
other loopback addresses (127.0.0.2 …) than the legitimate client (127.0.0.1), as the server
counts clients by address. Prints one line per figure and a JSON summary last. Stdlib only.
"""
import http.client
import json
import random
import re
import select
import socket
import statistics
import sys
import threading
import time
import urllib.parse

BASE = sys.argv[1].rstrip("/")
PID = int(sys.argv[2])
QUICK = "--quick" in sys.argv
PORT = urllib.parse.urlparse(BASE).port
HOST = "127.0.0.1"
MB = 1 << 20
summary = {}


def say(text):
    print(text, flush=True)


# ---- the server process -------------------------------------------------------------------

def status_kb(field):
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak():
    """Resets VmHWM to the current RSS (Linux clear_refs 5); False when not allowed."""
    try:
        with open(f"/proc/{PID}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def open_fds():
    try:
        import os
        return len(os.listdir(f"/proc/{PID}/fd"))
    except OSError:
        return -1


class RSSSampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0
        self.running = True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, status_kb("VmRSS"))
            except OSError:
                return
            time.sleep(0.02)


# ---- plain HTTP with cookies, from a chosen source address ---------------------------------

class Client:
    def __init__(self, source="127.0.0.1"):
        self.source = source
        self.cookies = {}

    def request(self, method, path, fields=None, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection(HOST, PORT, timeout=timeout, source_address=(self.source, 0))
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            text = r.read().decode(errors="replace")
            for name, value in r.getheaders():
                if name.lower() == "set-cookie":
                    k, _, rest = value.partition("=")
                    v = rest.split(";", 1)[0]
                    if v and "Max-Age=0" not in value:
                        self.cookies[k.strip()] = v
            return r.status, dict(r.getheaders()), text
        except (OSError, http.client.HTTPException) as e:
            return 0, {}, str(e)
        finally:
            conn.close()

    def csrf(self, path):
        status, _, page = self.request("GET", path)
        m = re.search(r'name="_csrf" value="([^"]+)"', page)
        return m.group(1) if m else ""


def resident_id(seed=None):
    rnd = random.Random(seed)
    body = "110105" + "1985%02d%02d" % (rnd.randint(1, 12), rnd.randint(1, 28)) + "%03d" % rnd.randint(0, 999)
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def healthy(source="127.0.0.1", timeout=3):
    status, _, _ = Client(source).request("GET", "/healthz", timeout=timeout)
    return status == 200


# ---- 1. anonymous flood of large multipart POSTs -------------------------------------------

def flood(count=64, size=31 * MB):
    head = (
        f"POST /apply/W2026-00001/form HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {size}\r\n\r\n"
    ).encode()
    chunk = b"--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.pdf\"\r\n\r\n%PDF-" + b"A" * (64 * 1024 - 70)
    results = []
    lock = threading.Lock()
    start = threading.Barrier(count)

    def one():
        sent = 0
        status = 0
        try:
            s = socket.create_connection((HOST, PORT), timeout=60, source_address=("127.0.0.2", 0))
        except OSError:
            with lock:
                results.append((0, 0))
            return
        try:
            start.wait(timeout=30)
            s.sendall(head)
            answer = b""
            while sent < size:
                if readable(s):
                    data = s.recv(65536)
                    if not data:
                        break
                    answer += data
                    if b"\r\n" in answer:
                        break
                piece = chunk[: min(len(chunk), size - sent)]
                s.sendall(piece)
                sent += len(piece)
            s.settimeout(20)
            while b"\r\n" not in answer:
                data = s.recv(65536)
                if not data:
                    break
                answer += data
            m = re.match(rb"HTTP/1\.1 (\d{3})", answer)
            status = int(m.group(1)) if m else 0
        except (OSError, threading.BrokenBarrierError):
            pass
        finally:
            s.close()
        with lock:
            results.append((status, sent))

    peak_reset = reset_peak()
    before = status_kb("VmRSS")
    sampler = RSSSampler()
    sampler.start()
    started = time.time()
    threads = [threading.Thread(target=one) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    elapsed = time.time() - started
    time.sleep(0.5)
    sampler.running = False
    sampler.join()
    peak = max(sampler.peak, status_kb("VmHWM") if peak_reset else 0)
    refused = sum(1 for s, _ in results if 400 <= s < 500)
    sent = sum(b for _, b in results)
    say(f"flood: {count} anonymous {size // MB} MB multipart POSTs in {elapsed:.1f} s — refused {refused}, "
        f"other answers {sum(1 for s, _ in results if s and not 400 <= s < 500)}, no answer {sum(1 for s, _ in results if s == 0)}; "
        f"statuses {sorted(set(s for s, _ in results))}; "
        f"client sent {sent / MB:.0f} MB before the answer")
    say(f"flood: server RSS {before // 1024} MB before, peak {peak // 1024} MB during"
        + ("" if peak_reset else " (VmRSS sampled every 20 ms; clear_refs not allowed)"))
    say(f"flood: afterwards /healthz {'answered' if healthy() else 'NOT answered'}")
    summary["flood"] = {
        "tried": count, "refused": refused, "sent_mb": round(sent / MB), "rss_before_mb": before // 1024,
        "rss_peak_mb": peak // 1024, "seconds": round(elapsed, 1),
    }


# ---- 2. half-sent requests --------------------------------------------------------------------

def readable(s, timeout=0.0):
    """Whether `s` has data or an EOF to read (poll: descriptors above 1024 are fine)."""
    p = select.poll()
    p.register(s, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(p.poll(timeout * 1000))


def still_open(sockets):
    """Sockets the server has not closed (no EOF or reset readable)."""
    alive = 0
    for s in sockets:
        try:
            if not readable(s):
                alive += 1
                continue
            data = s.recv(4096, socket.MSG_PEEK)
            if data:
                alive += 1
        except OSError:
            pass
    return alive


def legitimate(count=10, timeout=3):
    answered = 0
    started = time.time()
    for _ in range(count):
        if healthy(timeout=timeout):
            answered += 1
    return answered, time.time() - started


def half_sent(count=1100, wait=12):
    sockets = []
    failed = 0
    started = time.time()
    for _ in range(count):
        try:
            s = socket.socket()
            s.settimeout(2)
            s.bind(("127.0.0.3", 0))
            s.connect((HOST, PORT))
            s.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-Waiting: ".encode())
            sockets.append(s)
        except OSError:
            failed += 1
            s.close()
    opened = time.time() - started
    time.sleep(1)
    held = still_open(sockets)
    fds = open_fds()
    answered, took = legitimate()
    say(f"half-sent: {count} requests from one address ({failed} connects failed, {opened:.1f} s) — after 1 s the server "
        f"holds {held}, has {fds} descriptors open; others: {answered}/10 answered in {took:.1f} s")
    time.sleep(max(0, wait - 1 - took))
    held_later = still_open(sockets)
    answered_later, took_later = legitimate()
    say(f"half-sent: after {wait} s the server holds {held_later}; others: {answered_later}/10 answered in {took_later:.1f} s")
    for s in sockets:
        s.close()
    summary["half_sent"] = {
        "tried": count, "held_after_1s": held, "held_after_%ds" % wait: held_later, "fds": fds,
        "legitimate_answered": answered, "legitimate_answered_later": answered_later,
    }


# ---- 3. bodies dripping in --------------------------------------------------------------------

def dripping(count=20, seconds=20):
    cookie = Client("127.0.0.4")
    cookie.request("GET", "/login")
    token = cookie.cookies.get("ps_csrf", "")
    sockets = []
    for _ in range(count):
        try:
            s = socket.create_connection((HOST, PORT), timeout=5, source_address=("127.0.0.4", 0))
            s.sendall((f"POST /login HTTP/1.1\r\nHost: {HOST}\r\nCookie: ps_csrf={token}\r\n"
                       "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n").encode())
            sockets.append(s)
        except OSError:
            pass
    started = time.time()
    while time.time() - started < seconds:
        for s in sockets:
            try:
                s.send(b"a=bbbbbbbb&")
            except OSError:
                pass
        time.sleep(1)
    held = still_open(sockets)
    for s in sockets:
        s.close()
    say(f"dripping: {count} bodies at 11 bytes/s — after {seconds} s the server holds {held}")
    summary["dripping"] = {"tried": count, "held": held, "seconds": seconds}


# ---- 4. registrations racing with one ID number ------------------------------------------------

def registration_race(count=6):
    idn = resident_id(time.time())
    barrier = threading.Barrier(count)
    statuses = []
    lock = threading.Lock()

    def one(n):
        c = Client(f"127.0.1.{n + 1}")
        token = c.csrf("/register")
        barrier.wait(timeout=30)
        name = "race%d%04d" % (n, random.randint(0, 9999))
        status, _, page = c.request("POST", "/register", {
            "_csrf": token, "username": name, "display_name": "竞争注册", "id_number": idn,
            "password": "Race2026password", "password_confirm": "Race2026password"})
        with lock:
            statuses.append((status, "已注册过账户" in page))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    created = sum(1 for s, _ in statuses if s == 303)
    told = sum(1 for s, t in statuses if t)
    say(f"registration race: {count} at once with one ID number — {created} accounts made, {told} told in Chinese "
        f"that the number has an account, statuses {sorted(s for s, _ in statuses)}")
    summary["registration_race"] = {"tried": count, "accounts": created, "refused_clearly": told}


# ---- 5. sign-in: locking the owner out, timing --------------------------------------------------

def lockout(attempts=7):
    attacker = Client("127.0.0.6")
    token = attacker.csrf("/login")
    statuses = []
    for _ in range(attempts):
        status, _, _ = attacker.request("POST", "/login", {"_csrf": token, "username": "head", "password": "Wrong2026guess"})
        statuses.append(status)
    owner = Client("127.0.0.7")
    token = owner.csrf("/login")
    status, _, _ = owner.request("POST", "/login", {"_csrf": token, "username": "head", "password": "Pingshen2026"})
    say(f"lockout: {attempts} wrong passwords for head from one address {statuses}; then the owner from another "
        f"address: {status} ({'signed in' if status == 303 else 'LOCKED OUT'})")
    summary["lockout"] = {"attacker": statuses, "owner": status}


def timing(rounds=5):
    """Wrong passwords for known demo accounts (clerk, secretary, auditor: `rounds` each, within
    every sign-in limit) and as many unknown names, each attempt from its own address; the
    medians of the answers (401 only)."""
    def attempt(n, name):
        c = Client(f"127.0.2.{n % 250 + 1}")
        token = c.csrf("/login")
        t = time.time()
        status, _, _ = c.request("POST", "/login", {"_csrf": token, "username": name, "password": "Wrong2026guess"})
        return time.time() - t, status

    attempt(0, "warmup-nobody")
    known, unknown = [], []
    n = 1
    for name in ["clerk", "secretary", "auditor"]:
        for _ in range(rounds):
            known.append(attempt(n, name))
            unknown.append(attempt(n + 1, "nobody%d" % random.randint(0, 10 ** 6)))
            n += 2
    k = statistics.median(t for t, s in known if s == 401) * 1000
    u = statistics.median(t for t, s in unknown if s == 401) * 1000
    say(f"timing: wrong password, median of {len(known)}: known name {k:.0f} ms, unknown name {u:.0f} ms "
        f"(statuses {sorted(set(s for _, s in known + unknown))})")
    summary["timing_ms"] = {"known": round(k), "unknown": round(u)}


# ---- 6. uploads beyond a field's file count ------------------------------------------------------

def uploads(count=12):
    c = Client("127.0.0.11")
    token = c.csrf("/register")
    name = "upl%06d" % random.randint(0, 999999)
    status, _, _ = c.request("POST", "/register", {
        "_csrf": token, "username": name, "display_name": "上传测试", "id_number": resident_id(),
        "password": "Upload2026password", "password_confirm": "Upload2026password"})
    token = c.csrf("/apply/new")
    status, headers, _ = c.request("POST", "/apply/new", {"_csrf": token, "form": "engineering", "level": "intermediate", "track": "normal"})
    m = re.match(r"/apply/([^/]+)/form", headers.get("Location", ""))
    if not m:
        say(f"uploads: could not start a declaration ({status})")
        return
    path = f"/apply/{m.group(1)}/form?_csrf={urllib.parse.quote(token)}"
    accepted = refused = 0
    for n in range(count):
        pdf = b"%PDF-1.4\n% attack " + str(n).encode() + b"\n%%EOF\n"
        body = (b"--b\r\nContent-Disposition: form-data; name=\"_action\"\r\n\r\nsave\r\n"
                b"--b\r\nContent-Disposition: form-data; name=\"other_materials\"; filename=\"m%d.pdf\"\r\n"
                b"Content-Type: application/pdf\r\n\r\n" % n + pdf + b"\r\n--b--\r\n")
        status, _, _ = c.request("POST", path, body=body, headers={"Content-Type": "multipart/form-data; boundary=b"})
        if status == 303:
            accepted += 1
        else:
            refused += 1
    say(f"uploads: {count} files posted one by one into 其他证明材料 (at most 10) — {accepted} kept, {refused} refused")
    summary["uploads"] = {"tried": count, "kept": accepted, "refused": refused}


if __name__ == "__main__":
    # --only=flood,half_sent,… runs some categories (names as in the summary).
    only = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--only=")), None)

    def wanted(name):
        return only is None or name in only

    say(f"attack: {BASE}, server pid {PID}, RSS {status_kb('VmRSS') // 1024} MB, {open_fds()} descriptors open")
    if wanted("flood"):
        flood(count=16 if QUICK else 64)
    if wanted("half_sent"):
        half_sent(count=300 if QUICK else 1100)
    if wanted("dripping"):
        dripping(seconds=15 if QUICK else 20)
    if wanted("registration_race"):
        registration_race()
    if wanted("lockout"):
        lockout()
    if wanted("timing"):
        timing()
    if wanted("uploads"):
        uploads()
    say("summary: " + json.dumps(summary, ensure_ascii=False))
