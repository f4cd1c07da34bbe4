"""The rule of the pollster ratings (``jobs.ratings`` applies it, the pages state it): a
poll counts when it ended in the last ``WINDOW_DAYS`` before its race's election (538's
window), and a pollster is rated with ``MIN_POLLS`` such polls in ``MIN_RACES`` races."""

WINDOW_DAYS = 21
MIN_POLLS = 10
MIN_RACES = 5
RATING_RULE = {"min_polls": MIN_POLLS, "min_races": MIN_RACES, "window_days": WINDOW_DAYS}
