"""The domain: what a poll is (its field table), the rules a poll must meet, and the
errors every layer raises. Pure Python: no Flask, no database."""
