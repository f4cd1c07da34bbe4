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
