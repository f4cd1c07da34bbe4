"""The store -> frame path carries a poll's partisan / internal flags to the statistics."""

from __future__ import annotations

from pollservice.extensions import db
from pollservice.readmodel.frames import poll_frames
from pollservice.services.polls import add_poll
from pollservice.services.questions import get_question

POLL = {"pollster": "Party Pollster", "start_date": "2017-04-20", "end_date": "2017-04-21",
        "population": "a", "sample_size": "800", "results": {"Support": "45", "Oppose": "40"}}


def test_poll_frames_carry_the_partisan_and_internal_flags(demo_app):
    with demo_app.app_context():
        partisan = add_poll("calexit", {**POLL, "partisan": "true"})
        internal = add_poll("calexit", {**POLL, "pollster": "Campaign", "internal": "true"})
        frame = poll_frames(db.session, get_question("calexit"))["Support"].set_index("poll_id")
    assert frame["partisan"].dtype == bool and frame["internal"].dtype == bool
    assert frame.loc[partisan.id, "partisan"] and not frame.loc[partisan.id, "internal"]
    assert frame.loc[internal.id, "internal"] and not frame.loc[internal.id, "partisan"]
    assert int(frame["partisan"].sum()) == 1 and int(frame["internal"].sum()) == 1
