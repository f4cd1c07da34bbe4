"""Server-rendered pages."""

from __future__ import annotations


def test_home_lists_questions_with_their_current_average(demo_app, client):
    page = client.get("/").get_data(as_text=True)
    assert "Should California peacefully leave the United States?" in page
    assert "Support" in page and "95% interval" in page
    assert "/questions/calexit" in page


def test_question_page_has_chart_average_and_poll_table(demo_app, client):
    page = client.get("/questions/calexit?method=weighted").get_data(as_text=True)
    assert '<img src="/charts/calexit.png?method=weighted"' in page
    assert "Current average" in page
    assert "Reuters/Ipsos" in page and "2016-12-06" in page and "500" in page
    assert "https://abc7.com/surveyusa-survey-usa-poll-cal-exit/1731072/" in page
    assert "unknown" in page  # the sample size nobody reported


def test_unknown_question_page_is_a_404_page(client):
    response = client.get("/questions/nope")
    assert response.status_code == 404
    assert b"No question with slug" in response.data


def test_methodology_page_explains_each_method(client):
    page = client.get("/methodology").get_data(as_text=True)
    for method in ("kalman", "weighted", "latest", "lowess"):
        assert f'id="{method}"' in page
    # The parameters shown are the ones in use, read from the statistics code.
    from pollservice import stats

    assert f"every {stats.WeightedParams().half_life_days:.0f} days" in page
    assert f"{stats.UNKNOWN_SAMPLE_SIZE:.0f} people are assumed" in page
    text = page.replace("<var>", "").replace("</var>", "")
    assert f"n + {stats.KalmanParams().centre_half_count:.0f})" in text
    assert "Jackman, S. (2005)" in page and "Cleveland, W. S. (1979)" in page
    # the election-day interval: its source, how it is kept honest, its measured coverage
    assert 'id="election-day"' in page and "raw-polls.csv" in page and "leave one cycle out" in page
    assert "<code>outcome_lower</code>" in page


def poll_rows(page: str) -> list[str]:
    import re

    body = page.split('id="poll-table"')[1].split("</tbody>")[0]
    return re.findall(r'<tr id="poll-\d+">.*?</tr>', body, flags=re.S)


def test_question_page_paginates_the_poll_table_on_the_server(demo_app, client):
    import re

    from pollservice.extensions import db
    from pollservice.models import Poll, Question

    with demo_app.app_context():
        question = db.session.scalar(db.select(Question).filter_by(slug="trump-approval"))
        total = question.poll_count
        oldest = db.session.scalar(db.select(db.func.min(Poll.end_date)).filter_by(question_id=question.id))
    first = client.get("/questions/trump-approval").get_data(as_text=True)
    assert len(poll_rows(first)) == 50
    pages = -(-total // 50)
    assert f"{total:,} polls; page 1 of {pages}" in first
    last = client.get(f"/questions/trump-approval?page={pages}").get_data(as_text=True)
    assert len(poll_rows(last)) == total - 50 * (pages - 1)
    # sorting and filters are kept by the page links
    page = client.get("/questions/trump-approval?sort=oldest&population=a").get_data(as_text=True)
    assert oldest.isoformat() in poll_rows(page)[0]
    assert all('title="Adults">A<' in row for row in poll_rows(page))
    following = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert "sort=oldest" in following and "population=a" in following and "page=2" in following
    assert following.endswith("#polls")
    assert client.get("/questions/trump-approval?page=x").status_code == 400
