"""Page benchmark at real scale (issue 11): the front page, a search and the largest
question's page with thousands of races.

Builds a big instance by bulk inserts (synthetic, shaped like FiveThirtyEight's files: about
5,000 questions in about 4,000 races over seven cycles, 2012-2024, about 150,000 polls by 600
pollsters, a topic question of 7,000 polls like Trump approval; every question with a stored
kalman series of the real payload's shape), fills the catalogue columns as the write hook
does (``readmodel.catalogue.refresh_catalogue``), then times pages in the app (Flask test
client: the server's time, without network) and prints the median and 90th percentile of
``--repeat`` requests after one warm-up, and each page's size.

    .venv/bin/python bench/bench_pages.py                       # SQLite in a temp folder
    .venv/bin/python bench/bench_pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB
    .venv/bin/python bench/bench_pages.py --keep instance/big.sqlite3   # keep the SQLite file
    .venv/bin/python bench/bench_pages.py --explain             # EXPLAIN of the list queries
    .venv/bin/python bench/bench_pages.py --database-url ... --reuse   # measure again, no rebuild

The PostgreSQL database given is emptied (schema ``public`` dropped and re-created).
Targets: each page under 50 ms median and 150 KB of HTML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pollservice import create_app  # noqa: E402
from pollservice.domain.errors import NotFound  # noqa: E402
from pollservice.domain.vocabulary import geography_name  # noqa: E402
from pollservice.extensions import db  # noqa: E402
from pollservice.models import Choice, ComputedSeries, Poll, Pollster, Question, Race, Result  # noqa: E402
from pollservice.readmodel.catalogue import refresh_catalogue  # noqa: E402
from pollservice.services.users import create_admin, find_user  # noqa: E402

STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
]
PRESIDENTS = {
    2012: ("Barack Obama", "Mitt Romney"),
    2016: ("Hillary Clinton", "Donald Trump"),
    2020: ("Joe Biden", "Donald Trump"),
    2024: ("Kamala Harris", "Donald Trump"),
}
FIRST = [
    "Maria",
    "James",
    "Linda",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Elizabeth",
    "David",
    "Susan",
    "Richard",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
]
LAST = [
    "Garcia",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
]
CYCLES = (2012, 2014, 2016, 2018, 2020, 2022, 2024)
OFFICE_WORDS = {
    "president": "President",
    "senate": "Senate",
    "governor": "Governor",
    "house": "House",
    "generic-ballot": "Generic ballot",
}


def races_plan(rng: np.random.Generator) -> list[dict]:
    """About 4,000 races: per cycle the presidency (nation and states, every four years),
    a third of the Senate, governors, 470 House districts, the generic ballot, and in
    presidential years both parties' primaries in the early states."""
    races = []
    for cycle in CYCLES:
        first = dt.date(cycle, 11, 1)
        election = first + dt.timedelta(days=(0 - first.weekday()) % 7 + 1)  # Tuesday after the first Monday
        places = []
        if cycle in PRESIDENTS:
            places += [("president", "US", "general", "")] + [("president", s, "general", "") for s in STATES]
            places += [("president", s, "primary", p) for s in STATES[:12] for p in ("DEM", "REP")]
        places += [("senate", s, "general", "") for s in rng.choice(STATES, 34, replace=False)]
        places += [
            ("governor", s, "general", "") for s in rng.choice(STATES, 36 if cycle % 4 else 12, replace=False)
        ]
        districts = sorted({f"{s}-{n:02d}" for s in STATES for n in range(1, 12)})
        places += [("house", d, "general", "") for d in rng.choice(districts, 470, replace=False)]
        places.append(("generic-ballot", "US", "general", ""))
        for office, geo, stage, party in places:
            where = "national" if geo == "US" else geography_name(geo)
            stage_word = "" if stage == "general" else f" {party} primary"
            races.append(
                {
                    "cycle": cycle,
                    "office": office,
                    "geography": geo,
                    "stage": stage,
                    "party": party,
                    "election_date": election,
                    "title": f"{cycle} U.S. {OFFICE_WORDS[office]}{stage_word}: {where}",
                    "slug": f"{cycle}-{office}-{stage}{'-' + party.lower() if party else ''}-{geo.lower()}",
                }
            )
    return races


def candidates(rng: np.random.Generator, race: dict) -> list[tuple[str, str]]:
    if race["office"] == "generic-ballot":
        return [("Democrats", "DEM"), ("Republicans", "REP")]
    if race["office"] == "president" and race["stage"] == "general":
        dem, rep = PRESIDENTS[race["cycle"]]
        return [(dem, "DEM"), (rep, "REP")] + ([("Jo Jorgensen", "LIB")] if rng.random() < 0.3 else [])
    names = {f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(8)}
    names_list = sorted(names)
    if race["stage"] == "primary":
        return [(n, race["party"]) for n in names_list[:5]]
    return [(names_list[0], "DEM"), (names_list[1], "REP")]


def poll_counts(rng: np.random.Generator, n_questions: int, total: int, cap: int = 3000) -> np.ndarray:
    """Heavy-tailed numbers of polls per question (at most ``cap``), adding up to about ``total``."""
    weights = rng.pareto(1.3, n_questions) + 0.2
    scale = total / weights.sum()
    for _ in range(20):  # the capped questions' excess goes to the others
        counts = np.minimum(np.maximum(1, np.round(weights * scale)), cap).astype(int)
        if counts.sum() >= total * 0.99:
            break
        scale *= total / counts.sum()
    return counts


def build(url: str, seed: int = 11) -> dict:
    """Fill the empty database at ``url``; returns what was made."""
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    engine = sa.create_engine(url)
    with Session(engine) as session:
        ids = {"question": 0, "choice": 0, "poll": 0, "result": 0}
        kinds = ["Research", "Polling", "Strategies", "Group", "Institute", "Analytics"]
        pollsters = [
            {
                "id": i + 1,
                "name": f"{LAST[i % 18]} {kinds[i // 18 % 6]} {i // 108 or ''}".strip(),
                "slug": f"pollster-{i + 1}",
            }
            for i in range(600)
        ]
        session.execute(sa.insert(Pollster), pollsters)
        plan = races_plan(rng)
        session.execute(sa.insert(Race), [{"id": i + 1, "seat": "", **r} for i, r in enumerate(plan)])
        questions, choices = [], []
        for race_id, race in enumerate(plan, start=1):
            people = candidates(rng, race)
            kinds = [False] + ([True] if rng.random() < 0.2 and race["stage"] == "general" else [])
            for hypothetical in kinds:
                ids["question"] += 1
                names = (
                    people
                    if not hypothetical
                    else [people[0], (f"{rng.choice(FIRST)} {rng.choice(LAST)} Jr.", people[1][1])]
                )
                suffix = "-".join(n.split()[-1].lower() for n, _ in names[:2])
                questions.append(
                    {
                        "id": ids["question"],
                        "slug": f"{race['slug']}-{suffix}-{ids['question']}",
                        "title": f"{race['title']} ({' vs. '.join(n.split()[-1] for n, _ in names)})",
                        "race_id": race_id,
                        "geography": race["geography"],
                        "hypothetical": hypothetical,
                        "region": "",
                        "description": "",
                        "subject": "",
                    }
                )
                for position, (name, party) in enumerate(names):
                    ids["choice"] += 1
                    choices.append(
                        {
                            "id": ids["choice"],
                            "question_id": ids["question"],
                            "name": name,
                            "position": position,
                            "party": party,
                            "status": "hypothetical" if hypothetical else "running",
                        }
                    )
        topics = [
            (
                "Donald Trump approval",
                "Do you approve or disapprove of the way Donald Trump is handling his job as president?",
            ),
            (
                "Joe Biden approval",
                "Do you approve or disapprove of the way Joe Biden is handling his job as president?",
            ),
        ]
        topics += [
            (
                f"Issue {i}",
                f"Do you support proposal {i} ({rng.choice(LAST)} plan) in "
                f"{geography_name(str(rng.choice(STATES)))}?",
            )
            for i in range(200 - len(topics))
        ]
        for subject, title in topics:
            ids["question"] += 1
            questions.append(
                {
                    "id": ids["question"],
                    "slug": f"topic-{ids['question']}-{subject.lower().replace(' ', '-')}",
                    "title": title,
                    "race_id": None,
                    "geography": "US",
                    "hypothetical": False,
                    "region": "",
                    "description": "",
                    "subject": subject,
                }
            )
            for position, name in enumerate(
                ("Approve", "Disapprove") if "approval" in subject else ("Support", "Oppose")
            ):
                ids["choice"] += 1
                choices.append(
                    {
                        "id": ids["choice"],
                        "question_id": ids["question"],
                        "name": name,
                        "position": position,
                        "party": None,
                        "status": "running",
                    }
                )
        session.execute(sa.insert(Question), questions)
        session.execute(sa.insert(Choice), choices)
        by_question: dict[int, list[dict]] = {}
        for choice in choices:
            by_question.setdefault(choice["question_id"], []).append(choice)
        counts = poll_counts(rng, len(questions), 150_000 - 11_000)
        counts[questions.index(next(q for q in questions if q["subject"] == "Donald Trump approval"))] = 7_000
        counts[questions.index(next(q for q in questions if q["subject"] == "Joe Biden approval"))] = 4_000
        cycle_of = {i + 1: r["cycle"] for i, r in enumerate(plan)}
        for start in range(0, len(questions), 400):
            _polls_and_series(
                session,
                rng,
                questions[start : start + 400],
                counts[start : start + 400],
                by_question,
                cycle_of,
                ids,
            )
        session.commit()
        refresh_catalogue(session, [q["id"] for q in questions])  # what the write hook keeps
        session.commit()
        if engine.dialect.name == "postgresql":
            for table in ("pollster", "race", "question", "choice", "poll", "result", "computed_series"):
                session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            session.commit()
    # statistics for the planner, and on PostgreSQL the visibility map that index-only scans
    # need (autovacuum would make both in time)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()
    return {
        "questions": len(questions),
        "races": len(plan),
        "polls": ids["poll"],
        "results": ids["result"],
        "seconds": time.perf_counter() - started,
    }


def _polls_and_series(session, rng, questions, counts, by_question, cycle_of, ids) -> None:
    polls, results, series = [], [], []
    for question, n in zip(questions, counts, strict=True):
        cycle = (
            cycle_of.get(question["race_id"], 2024)
            if question["race_id"]
            else int(rng.choice([2018, 2020, 2024]))
        )
        end = dt.date(cycle, 11, 1) - dt.timedelta(days=int(rng.integers(0, 30)))
        span = int(min(700, 30 + n // 4))
        days = np.sort(rng.integers(0, span, int(n)))
        qchoices = by_question[question["id"]]
        means = rng.uniform(35, 55, len(qchoices))
        poll_ids = []
        for offset in days:
            ids["poll"] += 1
            poll_ids.append(ids["poll"])
            finish = end - dt.timedelta(days=int(span - offset))
            polls.append(
                {
                    "id": ids["poll"],
                    "question_id": question["id"],
                    "pollster_id": int(rng.integers(1, 601)),
                    "start_date": finish - dt.timedelta(days=int(rng.integers(0, 5))),
                    "end_date": finish,
                    "sample_size": int(rng.integers(400, 2500)),
                    "population": str(rng.choice(["lv", "rv", "a"])),
                    "source": "bench",
                    "source_id": str(ids["poll"]),
                    "sponsor": "",
                    "mode": "Online",
                    "source_url": "",
                    "notes": "",
                    "partisan": False,
                    "internal": False,
                    "counted": True,
                    "tracking": False,
                    "created_at": dt.datetime(2024, 1, 1),
                }
            )
            for choice, mean in zip(qchoices, means, strict=True):
                ids["result"] += 1
                results.append(
                    {
                        "id": ids["result"],
                        "poll_id": ids["poll"],
                        "choice_id": choice["id"],
                        "pct": float(np.clip(round(mean + rng.normal(0, 3), 1), 0, 100)),
                    }
                )
        trend_days = [(end - dt.timedelta(days=span - d)).isoformat() for d in range(span + 1)]
        for choice, mean in zip(qchoices, means, strict=True):
            walk = mean + np.cumsum(rng.normal(0, 0.15, span + 1))
            payload = {
                "trend": {
                    "date": trend_days,
                    "estimate": np.round(walk, 4).tolist(),
                    "lower": np.round(walk - 3, 4).tolist(),
                    "upper": np.round(walk + 3, 4).tolist(),
                },
                "average": {
                    "estimate": round(float(walk[-1]), 4),
                    "lower": round(float(walk[-1] - 3), 4),
                    "upper": round(float(walk[-1] + 3), 4),
                    "n_polls": len(poll_ids),
                    "as_of": trend_days[-1],
                },
                "polls": {str(p): [round(1 / len(poll_ids), 6), 0.0] for p in poll_ids},
                "house_effects": [
                    {"pollster": f"pollster {k}", "effect": 0.0, "lower": -1.0, "upper": 1.0, "n_polls": 3}
                    for k in range(min(20, len(poll_ids) // 3))
                ],
            }
            series.append(
                {
                    "question_id": question["id"],
                    "choice_id": choice["id"],
                    "method": "kalman",
                    "realtime": False,
                    "data_version": 2,
                    "payload": payload,
                    "computed_at": dt.datetime(2024, 1, 1),
                }
            )
    session.execute(sa.insert(Poll), polls)
    session.execute(sa.insert(Result), results)
    session.execute(sa.insert(ComputedSeries), series)
    # the catalogue refresh bumps nothing; the stored series are for version 2, as after one write
    session.execute(
        sa.update(Question).where(Question.id.in_([q["id"] for q in questions])).values(data_version=2)
    )


def measure(client, paths: list[str], repeat: int) -> list[tuple[str, float, float, int, int]]:
    rows = []
    for path in paths:
        first = client.get(path)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        rows.append(
            (
                path,
                statistics.median(times),
                sorted(times)[int(0.9 * (len(times) - 1))],
                len(response.data),
                first.status_code,
            )
        )
    return rows


def explain(app) -> None:
    """Print the query plans of the front page's and the browse page's list queries."""
    with app.app_context():
        dialect = db.engine.dialect.name
        prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
        statements = {
            "front page races": "SELECT question.id FROM question JOIN race ON question.race_id = race.id "
            "WHERE race.cycle = 2024 AND question.hypothetical = false AND question.poll_count > 0 "
            "ORDER BY question.poll_count DESC LIMIT 12",
            "front page topics": "SELECT id FROM question WHERE race_id IS NULL "
            "ORDER BY last_poll_end DESC LIMIT 12",
            "races/2020/president": "SELECT id FROM race WHERE cycle = 2020 AND office = 'president' "
            "ORDER BY cycle DESC, office, geography LIMIT 25",
            "question page polls": "SELECT id FROM poll WHERE question_id = 1 AND deleted_at IS NULL "
            "ORDER BY end_date DESC, start_date DESC, id DESC LIMIT 50 OFFSET 0",
        }
        for name, statement in statements.items():
            plan = db.session.execute(sa.text(prefix + statement)).all()
            print(f"-- {name}")
            for row in plan:
                print("   ", " | ".join(str(v) for v in row))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="SQLite file to build (kept; reused if it exists)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (built before)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    url = args.database_url or "sqlite:///" + str(
        Path(args.keep).resolve() if args.keep else folder / "big.sqlite3"
    )
    reuse = args.reuse or (bool(args.keep) and Path(args.keep).exists())
    if url.startswith("postgresql") and not reuse:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False})  # the editor signs in with a plain POST
    app.instance_path = str(folder)
    if not reuse:
        with app.app_context():
            upgrade()
        made = build(url)
        print(
            f"built {made['questions']:,} questions in {made['races']:,} races, {made['polls']:,} polls, "
            f"{made['results']:,} results in {made['seconds']:.0f} s ({sa.make_url(url).get_backend_name()})"
        )
    with app.app_context():
        largest = db.session.scalar(sa.select(Question.slug).order_by(Question.poll_count.desc()).limit(1))
        race_question = db.session.scalar(
            sa.select(Question.slug)
            .where(Question.race_id.is_not(None))
            .order_by(Question.poll_count.desc())
            .limit(1)
        )
    paths = [
        "/",
        "/search?q=biden+pennsylvania",
        "/search?q=2020+president",
        f"/questions/{largest}",
        f"/questions/{race_question}",
        "/races/2020/president",
        "/races?geography=PA",
        "/topics",
        "/pollsters",
        "/api/v1/races?cycle=2020",
        "/api/v1/search?q=trump+approval",
        "/api/v1/pollsters?q=research",
        "/methodology",
    ]
    # The admin poll list, sorted by each column (issue 16), by a signed-in editor.
    admin_paths = ["/admin/polls", "/admin/polls?sort=question", "/admin/polls?sort=pollster&dir=desc",
                   "/admin/polls?sort=sample", "/admin/polls?sort=id&page=1000", "/admin/reports"]
    with app.app_context():
        try:
            find_user("bench-editor")
        except NotFound:
            create_admin("bench-editor", "bench password 1")
    editor = app.test_client()
    editor.post("/admin/login", data={"username": "bench-editor", "password": "bench password 1"})
    print(f"{'page':48} {'median ms':>10} {'p90 ms':>8} {'KB':>8}  status")
    for client, group in ((app.test_client(), paths), (editor, admin_paths)):
        for path, median, p90, size, status in measure(client, group, args.repeat):
            print(f"{path:48} {median:10.1f} {p90:8.1f} {size / 1024:8.1f}  {status}")
    if args.explain:
        explain(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
