"""Decoding JSON a client or a file sent: every way ``json`` can fail on it, as one
``json.JSONDecodeError`` with a message in words (the API answers 400, an import names
the file), never a ``RecursionError`` or the interpreter's own ``ValueError`` text."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any


def decode_json(decode: Callable[[], Any], text: str = "") -> Any:
    """``decode()``'s document; ``json.JSONDecodeError`` when the text is not JSON, is
    nested deeper than the interpreter's recursion limit (``[[[[...]]]]`` 100,000 deep)
    or holds an integer longer than ``sys.get_int_max_str_digits()``."""
    try:
        return decode()
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None
    except ValueError as error:
        if "integer string conversion" in str(error):
            message = f"an integer has more than {sys.get_int_max_str_digits()} digits"
            raise json.JSONDecodeError(message, text, 0) from None
        raise
