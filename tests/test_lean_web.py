"""The web process computes nothing, so it loads neither the statistics (statsmodels,
scipy) nor the renderer (matplotlib): a worker does both. Proved in a fresh interpreter
that imports ``wsgi`` as gunicorn does and serves every kind of read, the way
``test_importing_the_renderer_loads_no_pyplot`` proves pyplot stays out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("statsmodels", "scipy", "matplotlib", "pollservice.stats", "pollservice.render",
         "pollservice.jobs.compute", "pollservice.jobs.charts")

SERVE = """
import json, sys
import wsgi
client = wsgi.app.test_client()
statuses = {}
for address in ["/", "/questions/calexit", "/questions/calexit?method=lowess&range=30d",
                "/races", "/search?q=trump", "/topics", "/pollsters", "/methodology",
                "/questions/trump-approval", "/embed/calexit",
                "/api/v1/questions", "/api/v1/questions/calexit/average",
                "/api/v1/questions/calexit/average?method=weighted&as_of=2017-03-01",
                "/api/v1/questions/calexit/trend?method=lowess&realtime=true",
                "/api/v1/questions/calexit/house-effects", "/charts/calexit.png",
                "/charts/calexit.png?size=thumb&scale=2", "/healthz", "/api/openapi.json",
                "/api/v1/questions/calexit/robustness", "/api/v1/calibration", "/api/v1/pollsters/gallup",
                "/api/v1/pollster-ratings.csv", "/api/v1/compare?q=calexit", "/report?poll=1",
                "/pollsters/gallup", "/api/v1/questions/calexit"]:
    statuses[address] = client.get(address).status_code
loaded = [name for name in HEAVY if name in sys.modules]
print(json.dumps({"statuses": statuses, "loaded": loaded}))
"""


def test_the_web_process_serves_every_read_without_the_statistics_or_the_renderer(
        demo_app, database_url, tmp_path):
    client = demo_app.test_client()  # the test's own process draws the charts the web serves
    for address in ("/charts/calexit.png", "/charts/calexit.png?size=thumb&scale=2"):
        assert client.get(address).status_code == 200
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "lean-web-test",
           "MPLCONFIGDIR": str(tmp_path / "mpl"),
           "POLLSERVICE_JOBS_SQLITE_FILE": json.dumps(str(tmp_path / "jobs.sqlite3"))}
    env.pop("REDIS_URL", None)
    code = f"HEAVY = {HEAVY!r}\n" + SERVE
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["loaded"] == []
    assert set(report["statuses"].values()) == {200}, report["statuses"]
