"""The vocabulary maps what files and people write onto one code per place, office, stage
and party."""

from __future__ import annotations

import pytest

from pollservice.domain.vocabulary import (
    geography_code,
    geography_name,
    office_code,
    party_code,
    party_colours,
    stage_code,
)


@pytest.mark.parametrize(("text", "code"), [
    ("", "US"), ("National", "US"), ("U.S.", "US"), ("Pennsylvania", "PA"), ("pa", "PA"),
    ("  New   Hampshire ", "NH"), ("Maine CD-2", "ME-02"), ("ME-2", "ME-02"), ("ME02", "ME-02"),
    ("Nebraska District 2", "NE-02"), ("PA-07", "PA-07"), ("District of Columbia", "DC"),
    ("France", "FR"), ("GB", "GB"), ("Narnia", None), ("M1", None),
])
def test_places_map_to_one_code(text, code):
    assert geography_code(text) == code


def test_text_too_long_to_be_a_place_is_none_however_it_is_made():
    # Spaces, letters and hyphens that a backtracking pattern would try every split of.
    for text in ("a" + " " * 5000 + "x", "a" * 3000 + "-" * 3000 + "1", "Maine " * 2000 + "2"):
        assert geography_code(text) is None


def test_names_of_codes():
    assert geography_name("PA-07") == "Pennsylvania's 7th district"
    assert geography_name("ME-02") == "Maine's 2nd district"
    assert geography_name("US") == "United States" and geography_name("FR") == "France"


def test_offices_stages_and_parties():
    assert office_code("U.S. Senate") == "senate" and office_code("Pres-G") == "president"
    assert stage_code("jungle primary") == "jungle-primary" and stage_code("R") == "runoff"
    assert party_code("Dem") == "DEM" and party_code("Working Families") == "OTHER"
    assert party_code("") is None


def test_each_party_colour_goes_to_its_first_candidate_only():
    colours = party_colours([("Biden", "DEM"), ("Trump", "REP"), ("Amash", "REP"), ("X", None)])
    assert set(colours) == {"Biden", "Trump"} and colours["Biden"] != colours["Trump"]
