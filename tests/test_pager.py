"""Page links keep the filters of the address but never let its query arguments steer
``url_for`` (``endpoint``, ``_external``, ``_anchor``, ...) or change the page's own path."""

from __future__ import annotations

import re


def test_page_links_ignore_url_for_arguments_and_keep_the_path(demo_app, client):
    response = client.get("/questions/trump-approval?endpoint=x&_method=POST&_scheme=x"
                          "&_external=1&_anchor=z&slug=calexit&population=a")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    nexts = re.findall(r'<a href="([^"]+)"[^>]*rel="next"', page)
    assert nexts, "a question with 461 polls has a second page"
    link = nexts[0].replace("&amp;", "&")
    assert link.startswith("/questions/trump-approval?") and "page=2" in link
    assert "population=a" in link and "slug=" not in link.split("?")[0]
    assert "_anchor" not in link and "endpoint" not in link and "_external" not in link


def test_a_cycle_that_is_no_year_is_a_400_naming_the_field(client):
    for address in ("/races?cycle=99999999999999999999", "/races/99999999999999999999/president",
                    "/races?cycle=1066"):
        response = client.get(address)
        assert response.status_code == 400, address
        assert "cycle" in response.get_data(as_text=True)
