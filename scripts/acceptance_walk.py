"""Acceptance walk: what a new user does, against a throwaway instance served by
scripts/run.sh (http://127.0.0.1:5000, the SQLite database in instance/). Every endpoint,
command, format and bad-input case the issues name is tried over HTTP or through the
CLI of this checkout, as a user would; prints OK/FAIL per check and exits 1 on a failure.

    bash scripts/run.sh &                 # in a fresh clone, then:
    .venv/bin/python scripts/acceptance_walk.py

It writes to that instance (admins, a token, polls, the 538 files of ../shared/data):
run it on a fresh clone, not on data you keep. It needs ``requests`` (a ``dev`` extra).
The 538 files are read from ``POLL_DATA_DIR`` (default ``../shared/data``).
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

BASE = "http://127.0.0.1:5000"
CLONE = str(Path(__file__).resolve().parents[1])
FLASK = [f"{CLONE}/.venv/bin/flask", "--app", "pollservice"]
ENV = {**os.environ, "MPLCONFIGDIR": f"{CLONE}/instance/matplotlib"}
DATA = os.environ.get("POLL_DATA_DIR") or str(Path(CLONE).parent / "shared" / "data")  # see SOURCES.md
failures = []


def check(name, condition, detail=""):
    print(("OK   " if condition else "FAIL ") + name + (f"  [{detail}]" if detail and not condition else ""))
    if not condition:
        failures.append(name)


def cli(*args, stdin=None, env=None):
    return subprocess.run(
        [*FLASK, *args], cwd=CLONE, env=env or ENV, capture_output=True, text=True, input=stdin
    )


def chart(url: str, tries: int = 6) -> requests.Response:
    """A chart as a reader's browser gets it: a 503 ``not_ready`` (the workers busy with the
    recomputes of a bulk import; documented, with Retry-After) is asked again after the wait."""
    for _ in range(tries):
        r = s.get(url)
        if r.status_code != 503:
            return r
        time.sleep(float(r.headers.get("Retry-After", "5")))
    return r


s = requests.Session()
# ---------------------------------------------------------------- issue 2
home = s.get(BASE + "/")
check(
    "2.2 / lists questions with averages",
    home.ok
    and "Should California peacefully leave" in home.text
    and re.search(r"\d+\.\d%", home.text) is not None,
)
page = s.get(BASE + "/questions/calexit").text
check(
    "2.3 question page: chart img, average with interval, poll table with source link",
    "<img" in page
    and "/charts/calexit.png" in page
    and "95% interval" in page
    and "Field dates" in page
    and "Sample" in page
    and "Population" in page
    and ">source<" in page,
)
r = s.get(BASE + "/api/v1/questions")
qs = r.json()
check(
    "2.4 GET /questions: application/json, slug/title/choices/latest{estimate,lower,upper,as_of}",
    r.headers["Content-Type"].startswith("application/json")
    and all({"slug", "title", "choices", "latest"} <= set(q) for q in qs)
    and all({"estimate", "lower", "upper", "as_of"} <= set(v) for q in qs for v in q["latest"].values() if v),
)
q = s.get(BASE + "/api/v1/questions/calexit").json()
check("2.4 GET /questions/<slug> with choices", q["choices"] == ["Support", "Oppose"], q)
polls = s.get(BASE + "/api/v1/questions/calexit/polls").json()
keys = {
    "id",
    "pollster",
    "sponsor",
    "start_date",
    "end_date",
    "sample_size",
    "population",
    "mode",
    "source_url",
    "results",
}
check(
    "2.4 polls: keys, newest first, ISO dates, null unknown size, population codes",
    all(keys <= set(p) for p in polls)
    and [p["end_date"] for p in polls] == sorted((p["end_date"] for p in polls), reverse=True)
    and any(p["sample_size"] is None for p in polls)
    and all(p["population"] in ("a", "rv", "lv", "v") for p in polls)
    and all(re.fullmatch(r"\d{4}-\d\d-\d\d", p["start_date"]) for p in polls),
    polls[:1],
)
avg = s.get(BASE + "/api/v1/questions/trump-approval/average?as_of=2017-03-01&method=weighted").json()
check(
    "2.4 average?as_of&method=weighted: method, as_of, per choice estimate/lower/upper/n_polls",
    avg["method"] == "weighted"
    and avg["as_of"] <= "2017-03-01"
    and all({"estimate", "lower", "upper", "n_polls"} <= set(c) for c in avg["choices"].values()),
    avg,
)
tr = s.get(
    BASE + "/api/v1/questions/trump-approval/trend?method=weighted&from=2017-02-01&to=2017-02-10"
).json()
days = tr["choices"]["Approve"]
check(
    "2.4 trend?method=weighted&from&to: daily date/estimate/lower/upper",
    len(days) == 10
    and days[0]["date"] == "2017-02-01"
    and {"date", "estimate", "lower", "upper"} == set(days[0]),
)
for url, status, field in [
    ("/api/v1/questions/nope", 404, "slug"),
    ("/api/v1/questions/calexit/average?as_of=2017-13-40", 400, "as_of"),
    ("/api/v1/questions/calexit/trend?from=yesterday", 400, "from"),
    ("/api/v1/questions/calexit/trend?method=median", 400, "method"),
]:
    r = s.get(BASE + url)
    body = r.json()
    check(
        f"2.4 error {status} JSON naming {field}: {url}",
        r.status_code == status
        and {"code", "message", "fields"} <= set(body["error"])
        and field in body["error"]["fields"],
        (r.status_code, body),
    )
for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<?xml")):
    r = s.get(f"{BASE}/charts/trump-approval.{fmt}?method=weighted&from=2017-02-01&to=2017-03-31")
    check(f"2.5 /charts/<slug>.{fmt} with trend parameters", r.ok and r.content.startswith(magic))
r = s.get(BASE + "/charts/calexit.png?from=bad")
check("2.5 chart with a bad date is 400", r.status_code == 400)

# 2.6/2.7 CLI: create-admin from env and from a prompt; login; add a poll through the form
r = cli("create-admin", "acceptance", env={**ENV, "POLLSERVICE_ADMIN_PASSWORD": "a long acceptance password"})
check("2.7 create-admin NAME with POLLSERVICE_ADMIN_PASSWORD", r.returncode == 0, r.stderr + r.stdout)
r = cli("create-admin", "prompted", stdin="another long password\nanother long password\n")
check("2.7 create-admin NAME with the password prompted", r.returncode == 0, r.stderr + r.stdout)
db = f"{CLONE}/instance/pollservice.sqlite3"
import sqlite3  # noqa: E402

with sqlite3.connect(db) as connection:
    stored = connection.execute(
        "select password_hash from user_account where username='acceptance'"
    ).fetchone()[0]
check("2.6 password stored hashed (scrypt)", stored.startswith("scrypt:"), stored[:20])


def loopback_session() -> requests.Session:
    """A requests session that, like a browser on 127.0.0.1, sends back the Secure session
    cookie over plain http (Chromium does: checked separately with Playwright)."""
    class Loopback(requests.Session):
        def rebuild_auth(self, prepared_request, response):
            # requests drops a redirect's Cookie header and rebuilds it from its jar, which
            # never sends a Secure cookie over http: the followed GET would be signed out
            super().rebuild_auth(prepared_request, response)
            value = response.cookies.get("session")
            if value:
                self.headers["Cookie"] = f"session={value}"
            if "Cookie" in self.headers:
                prepared_request.headers["Cookie"] = self.headers["Cookie"]

    session = Loopback()

    def keep(response, *args, **kwargs):
        for old in (response.history or []) + [response]:
            value = old.cookies.get("session")
            if value:
                session.headers["Cookie"] = f"session={value}"

    session.hooks["response"].append(keep)
    return session


admin = loopback_session()
login_page = admin.get(BASE + "/admin/login").text
token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
r = admin.post(
    BASE + "/admin/login",
    data={"username": "acceptance", "password": "a long acceptance password", "csrf_token": token},
    allow_redirects=False,
)
check("2.6 log in at /admin/login (CSRF form)", r.status_code == 302, r.status_code)
form = admin.get(BASE + "/admin/polls/new?question=calexit").text
token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
check("2.6 form has one percent field per choice", "Support (%)" in form and "Oppose (%)" in form)
good = {
    "csrf_token": token,
    "question": "calexit",
    "drawn_for": "calexit",
    "pollster": "Acceptance Poll",
    "sponsor": "",
    "start_date": "2017-04-20",
    "end_date": "2017-04-22",
    "sample_size": "",
    "population": "lv",
    "mode": "Online",
    "source_url": "https://example.org/a",
    "notes": "",
    "pct_0": "29",
    "pct_1": "61",
    # a pollster the store does not know is created only when the editor confirms it (issue 16)
    "create_pollster": "y",
    "confirmed_pollster": "Acceptance Poll",
}
before = len(s.get(BASE + "/api/v1/questions/calexit/polls").json())
bad = admin.post(BASE + "/admin/polls/new", data={**good, "pct_0": "140", "end_date": "2017-04-01"})
check(
    "2.6 bad fields: message next to each, nothing saved",
    "Must be between 0 and 100." in bad.text
    and "on or after the start date" in bad.text
    and len(s.get(BASE + "/api/v1/questions/calexit/polls").json()) == before,
)
no_csrf = admin.post(BASE + "/admin/polls/new", data={k: v for k, v in good.items() if k != "csrf_token"})
check(
    "2.6 POST without CSRF token refused",
    no_csrf.status_code == 400 and len(s.get(BASE + "/api/v1/questions/calexit/polls").json()) == before,
    no_csrf.status_code,
)
def publish_held(session: requests.Session, poll_id: int) -> bool:
    """A reviewer (here the admin) publishes a held poll from the review queue (issue 16)."""
    queue = session.get(BASE + "/admin/review").text
    tokn = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', queue)
    if f'id="held-{poll_id}"' not in queue or tokn is None:
        return False
    done = session.post(f"{BASE}/admin/review/polls/{poll_id}/publish", data={"csrf_token": tokn.group(1)})
    return done.ok


ok = admin.post(BASE + "/admin/polls/new", data=good)
# The first poll of a pollster seen for the first time is held for a reviewer (issue 16)
queue_page = admin.get(BASE + "/admin/review").text
held = re.search(r'<tr id="held-(\d+)">(?:(?!</tr>).)*Acceptance Poll', queue_page, re.S)
public = s.get(BASE + "/api/v1/questions/calexit/polls").json()
check("2.6 a new pollster's first poll is held for review, not yet public",
      ok.ok and held is not None and all(p["pollster"] != "Acceptance Poll" for p in public))
published = held is not None and publish_held(admin, int(held.group(1)))
listed = s.get(BASE + "/api/v1/questions/calexit/polls").json()
check(
    "2.6 published by a reviewer: JSON shows it at once (other worker too)",
    published and listed[0]["pollster"] == "Acceptance Poll" and listed[0]["sample_size"] is None,
)
check(
    "2.6 question page and chart show it at once",
    "Acceptance Poll" in s.get(BASE + "/questions/calexit").text and s.get(BASE + "/charts/calexit.svg").ok,
)

r = cli("load-demo")
check(
    "2.7 load-demo a second time adds nothing",
    r.returncode == 0 and "added 0" in (r.stdout + r.stderr).lower() or " 0 " in r.stdout,
    r.stdout + r.stderr,
)
r = cli("export-polls", "--question", "calexit")
check(
    "2.7 export-polls --question SLUG (canonical CSV on stdout)",
    r.returncode == 0 and r.stdout.startswith("question,") and "Acceptance Poll" in r.stdout,
)

# ---------------------------------------------------------------- issue 3
for method in ("latest", "weighted", "lowess", "kalman"):
    for rt in ("false", "true"):
        r = s.get(f"{BASE}/api/v1/questions/trump-approval/trend?method={method}&realtime={rt}")
        check(f"3 trend method={method} realtime={rt}", r.ok and r.json()["method"] == method)
    check(
        f"3 average method={method}",
        s.get(f"{BASE}/api/v1/questions/trump-approval/average?method={method}").ok,
    )
check(
    "3 default method is kalman",
    s.get(BASE + "/api/v1/questions/calexit/average").json()["method"] == "kalman",
)
he = s.get(BASE + "/api/v1/questions/trump-approval/house-effects").json()
check(
    "3 house-effects per choice and pollster",
    all(
        {"pollster", "effect", "lower", "upper", "n_polls"} <= set(row)
        for rows in he["choices"].values()
        for row in rows
    )
    and len(he["choices"]["Approve"]) > 10,
)
meth = s.get(BASE + "/methodology").text
check(
    "3 /methodology explains every method with references",
    all(f'id="{m}"' in meth for m in ("kalman", "weighted", "latest", "lowess")) and "Jackman" in meth,
)
qpage = s.get(BASE + "/questions/trump-approval").text
check(
    "3 question page: house-effects table, method and band in words",
    "House effects" in qpage and "95% interval" in qpage and "state-space (Kalman)" in qpage,
)

# ---------------------------------------------------------------- issue 4
for fmt, path, _unused in [
    (
        "fte-approval",
        f"{DATA}/fivethirtyeight-thirdparty-copies/dskinnion-Gov1347_Blog/approval_polllist.csv",
        None,
    ),
    ("fte-polls", f"{DATA}/fivethirtyeight-polls-mirror/generic_ballot_polls.csv", None),
    ("fte-polls", f"{DATA}/fivethirtyeight-polls-mirror/president_approval_polls.csv", None),
    ("fte-raw-polls", f"{DATA}/fivethirtyeight/pollster-ratings/2023/raw-polls.csv", None),
    ("economist-polls", f"{DATA}/economist-us-potus-model/data/all_polls.csv", None),
]:
    dry = cli("import-polls", path, "--format", fmt, "--dry-run", "--json")
    first = cli("import-polls", path, "--format", fmt, "--json", "--skip-invalid")
    again = cli("import-polls", path, "--json", "--skip-invalid")  # format detected
    try:
        d, f, a = (json.loads(x.stdout.strip().splitlines()[-1]) for x in (dry, first, again))
    except Exception as error:  # noqa: BLE001
        check(
            f"4 import {fmt} {path.split('/')[-1]}",
            False,
            f"{error}: {first.stdout[-300:]} {first.stderr[-300:]}",
        )
        continue
    check(
        f"4 {fmt} {path.split('/')[-1]}: dry run writes nothing, import adds, re-import adds 0 (detected)",
        d["imported"] is False
        and f["added"] > 0
        and a["added"] == 0
        and a["updated"] == 0
        and a["format"] == fmt,
        (
            d.get("added"),
            f.get("added"),
            a.get("added"),
            a.get("updated"),
            a.get("format"),
            f.get("rejected"),
        ),
    )
    print(
        f"     {fmt}: added {f['added']}, rejected {f['rejected']}, skipped {f['skipped']}, "
        f"questions {len(f['questions'])}"
    )
# The Economist's results alone, on the races its polls made (issue 17)
results_file = f"{DATA}/economist-us-potus-model/data/potus_results_76_16.csv"
r = cli("import-results", results_file)
pa = s.get(BASE + "/api/v1/races/2016-president-pa").json()
check(
    "4 import-results sets the Economist's results on the 2016 races",
    r.returncode == 0 and "results set on" in r.stdout
    and {c["candidate"] for c in (pa.get("result") or {}).get("candidates", [])} >= {"Trump", "Clinton"},
    r.stdout + r.stderr,
)
bad_results = f"{CLONE}/instance/acceptance-bad-results.csv"
with open(bad_results, "w") as handle:
    handle.write("year,state,total_votes,dem,rep,other\n2016,PA,1,0.5,1.4,0\n")
r = cli("import-results", bad_results)
check("4 import-results: a bad row gives FILE:LINE: field: message, nothing written",
      r.returncode == 1 and f"{bad_results}:2: rep:" in r.stderr, r.stderr)
bad_csv = f"{CLONE}/instance/acceptance-bad.csv"
with open(bad_csv, "w") as handle:
    handle.write(
        "question,question_title,question_region,pollster,start_date,end_date,sample_size,"
        "population,Support,Oppose\n"
        "calexit,,,Good,2017-05-01,2017-05-02,500,a,30,60\n"
        "calexit,,,Over,2017-05-01,2017-05-02,500,a,130,60\n"
        "calexit,,,Backwards,2017-05-03,2017-05-02,500,a,30,60\n"
        "calexit,,,Who,2017-05-01,2017-05-02,500,xx,30,60\n"
        "calexit,,,Dated,2017-02-30,2017-05-02,500,a,30,60\n"
    )
n_before = len(s.get(BASE + "/api/v1/questions/calexit/polls?page_size=1000").json())
r = cli("import-polls", bad_csv)
check(
    "4 atomic: bad rows reported FILE:LINE: FIELD, exit 1, nothing written",
    r.returncode == 1
    and "acceptance-bad.csv:3: results.Support" in r.stderr + r.stdout
    and "acceptance-bad.csv:4:" in r.stderr + r.stdout
    and "acceptance-bad.csv:5: population" in r.stderr + r.stdout
    and "acceptance-bad.csv:6: start_date" in r.stderr + r.stdout
    and len(s.get(BASE + "/api/v1/questions/calexit/polls?page_size=1000").json()) == n_before,
    r.stdout + r.stderr,
)
r = cli("import-polls", bad_csv, "--skip-invalid", "--json")
summary = json.loads(r.stdout.strip().splitlines()[-1])
check(
    "4 --skip-invalid imports the good row and lists the 4 bad ones",
    summary["added"] == 1 and summary["rejected"] == 4,
    summary,
)
missing = f"{CLONE}/instance/acceptance-missing.csv"
with open(missing, "w") as handle:
    handle.write("question,pollster,start_date,Support\ncalexit,X,2017-05-01,30\n")
r = cli("import-polls", missing, "--format", "canonical")
check(
    "4 missing required column named, exit 1",
    r.returncode == 1 and "end_date" in r.stdout + r.stderr,
    r.stdout + r.stderr,
)
for fmt in ("csv", "json"):
    r = cli("export-polls", "--format", fmt, "--question", "calexit")
    check(
        f"4 export-polls --format {fmt} carries weights and house adjustments",
        r.returncode == 0 and ("house_adjustment" in r.stdout or "house" in r.stdout),
        r.stdout[:200],
    )
r = s.get(BASE + "/api/v1/questions/calexit/polls.csv")
check(
    "4 GET polls.csv",
    r.ok and r.headers["Content-Type"].startswith("text/csv") and "weight" in r.text.splitlines()[0],
)
r = s.get(BASE + "/api/v1/questions/calexit/export.json")
# (the newest poll, uploaded just before, may not be in the stored average yet: no weights)
check("4 GET export.json", r.ok and any(p["weights"]["choices"] for p in r.json()["questions"][0]["polls"]))
pid = listed[0]["id"]
hist = s.get(f"{BASE}/api/v1/polls/{pid}/history").json()
check(
    "4 history: create by user:acceptance with new values",
    hist[0]["action"] == "create" and hist[0]["actor"] == "user:acceptance" and hist[0]["new"],
    hist[:1],
)
check(
    "4 poll page lists the history",
    "History" in s.get(f"{BASE}/polls/{pid}").text or "history" in s.get(f"{BASE}/polls/{pid}").text.lower(),
)
up = admin.get(BASE + "/admin/uploads/new")
check("4 admin upload form", up.ok and 'type="file"' in up.text)

# ---------------------------------------------------------------- issue 5
r = s.get(BASE + "/healthz").json()
check(
    "5 /healthz: database and migration", r["status"] == "ok" and r["database"] == "ok" and r["migration"], r
)
r1 = s.get(BASE + "/api/v1/questions/calexit/average")
r2 = s.get(BASE + "/api/v1/questions/calexit/average", headers={"If-None-Match": r1.headers["ETag"]})
check(
    "5 ETag + Last-Modified + Cache-Control, 304 on If-None-Match",
    r1.headers.get("Last-Modified") and "max-age" in r1.headers["Cache-Control"] and r2.status_code == 304,
)
c1 = s.get(BASE + "/charts/calexit.png")
c2 = s.get(BASE + "/charts/calexit.png", headers={"If-None-Match": c1.headers["ETag"]})
check(
    "5 charts cached with ETag/304 and max-age 300",
    c2.status_code == 304 and "max-age=300" in c1.headers["Cache-Control"],
)

# ---------------------------------------------------------------- issue 6
pl = s.get(BASE + "/pollsters").text
slug = re.search(r'href="/pollsters/([^"]+)"', pl).group(1)
check("6 /pollsters/<slug> page", s.get(f"{BASE}/pollsters/{slug}").ok)
emb = s.get(BASE + "/embed/calexit")
check(
    "6 /embed/<slug> framable, chart only",
    emb.ok and "frame-ancestors *" in emb.headers["Content-Security-Policy"] and "<img" in emb.text,
)
one = chart(BASE + "/charts/calexit.png").content
two = chart(BASE + "/charts/calexit.png?scale=2").content
width = lambda png: int.from_bytes(png[16:20], "big")  # noqa: E731
check("6 PNG ?scale=2 is twice as wide", width(two) == 2 * width(one), (width(one), width(two)))
svg = chart(BASE + "/charts/calexit.svg").text
check(
    "6 SVG has <title> and <desc> with latest values",
    "<title>" in svg and "<desc>" in svg and re.search(r"<desc>[^<]*\d+\.\d%", svg) is not None,
)
ext = set(re.findall(r'(?:src|href)="(https?://[^"]+)"', s.get(BASE + "/questions/calexit").text))
check(
    "6 question page references no external scripts or styles",
    not any(u.endswith((".js", ".css")) for u in ext),
    ext,
)

# ---------------------------------------------------------------- issue 7
spec = s.get(BASE + "/api/openapi.json").json()
check(
    "7 /api/openapi.json lists every endpoint",
    spec["openapi"].startswith("3") and len(spec["paths"]) >= 12,
    len(spec["paths"]),
)
docs = s.get(BASE + "/api/docs").text
check(
    "7 /api/docs from static/, no CDN",
    "/static/" in docs and "unpkg" not in docs and "cdn" not in docs.lower(),
)
r = s.get(BASE + "/api/v1/questions/trump-approval/polls?page_size=50&page=2&population=lv&from=2017-02-01")
check(
    "7 pagination + filters + total",
    r.ok
    and int(r.headers["X-Total-Count"]) > 0
    and 'rel="next"' in r.headers.get("Link", "") + 'rel="next"'
    and len(r.json()) <= 50,
)
out = cli("create-token", "acceptance")
tok = out.stdout.strip().splitlines()[-1]
check(
    "7 create-token prints the token alone on the last line",
    out.returncode == 0 and tok.startswith("pst_") and " " not in tok,
)
auth = {"Authorization": f"Bearer {tok}"}
body = {
    "pollster": "API Acceptance",
    "sponsor": None,
    "start_date": "2017-04-25",
    "end_date": "2017-04-26",
    "sample_size": 1000,
    "population": "rv",
    "mode": "Online",
    "source_url": None,
    "results": {"Support": 31, "Oppose": 58},
    "source_id": "acc-1",
    "create_pollster": True,  # a new pollster, confirmed (issue 16)
}
r = s.post(BASE + "/api/v1/questions/calexit/polls", json=body)
check("7 POST without token 401", r.status_code == 401)
r = s.post(BASE + "/api/v1/questions/calexit/polls", json=body, headers=auth)
created = r.json()
check(
    "7 POST of a new pollster's first poll: 202 held, with the GET shape",
    r.status_code == 202 and created["status"] == "held"
    and created["results"] == {"Support": 31, "Oppose": 58},
    r.status_code,
)
check("7 a reviewer publishes it", publish_held(admin, created["id"]))
r = s.post(BASE + "/api/v1/questions/calexit/polls", json=body, headers=auth)
check("7 duplicate source id 409", r.status_code == 409, r.status_code)
r = s.post(
    BASE + "/api/v1/questions/calexit/polls",
    json={**body, "source_id": "acc-2", "results": {"Support": 101}},
    headers=auth,
)
check(
    "7 invalid body 422 naming the field",
    r.status_code == 422 and "results.Support" in r.json()["error"]["fields"],
    r.json(),
)
r = s.patch(f"{BASE}/api/v1/polls/{created['id']}", json={"sample_size": 1200}, headers=auth)
check("7 PATCH 200", r.status_code == 200 and r.json()["sample_size"] == 1200)
r = s.delete(f"{BASE}/api/v1/polls/{created['id']}", headers=auth)
check(
    "7 DELETE (soft) then 404 on GET",
    r.status_code in (200, 204) and s.get(f"{BASE}/api/v1/polls/{created['id']}").status_code == 404,
)
r = s.delete(f"{BASE}/api/v1/polls/999999", headers=auth)
check("7 DELETE unknown 404", r.status_code == 404)
cli("revoke-token", "acceptance")
r = s.post(BASE + "/api/v1/questions/calexit/polls", json={**body, "source_id": "acc-3"}, headers=auth)
check("7 revoked token 401", r.status_code == 401)
h = s.get(BASE + "/").headers
check(
    "7 security headers on pages",
    "script-src 'self'" in h["Content-Security-Policy"]
    and "frame-ancestors 'none'" in h["Content-Security-Policy"]
    and h["X-Content-Type-Options"] == "nosniff"
    and "Referrer-Policy" in h,
)
# Without REDIS_URL each gunicorn worker counts in its own memory (run.sh starts 2), so
# 5 per minute per worker: the 11th try is refused whichever workers took the others.
sessions = loopback_session()
statuses = []
for i in range(11):
    page = sessions.get(BASE + "/admin/login").text
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    tokn = found.group(1) if found else ""
    answer = sessions.post(
        BASE + "/admin/login", data={"username": "acceptance", "password": f"wrong{i}", "csrf_token": tokn}
    )
    statuses.append(answer.status_code)
check("7 login rate limit: wrong passwords end in 429", 429 in statuses, statuses)
r = admin.get(BASE + "/admin/login?next=https://evil.example/")
check("7 login never redirects off-site", "evil.example" not in r.headers.get("Location", ""))
print()
print(f"{len(failures)} failed: {failures}" if failures else "all checks passed")
sys.exit(1 if failures else 0)
