"""What the OpenAPI document says in words, made for Swagger UI.

The views' docstrings are written for Python readers (reStructuredText literals,
````as_of````, paragraphs wrapped at 90 columns); flask-smorest puts a docstring's first
paragraph in an operation's ``summary``, which OpenAPI defines as plain text and Swagger
UI shows as it is (double backticks and all). ``MarkdownDocstrings`` (an apispec plugin)
rewrites every operation once, when the document is built, so that no endpoint can
forget: the summary becomes the first sentence in plain text, and the whole docstring
becomes the ``description`` in CommonMark (``x`` -> `x`), which Swagger UI renders.
"""

from __future__ import annotations

import re

from apispec import BasePlugin

RST_LITERAL = re.compile(r"``(.+?)``", re.S)
SENTENCE_END = re.compile(r"(?<=[.;:])\s")


def markdown(text: str) -> str:
    """reStructuredText literals as markdown code spans, the wrapped lines of a paragraph joined."""
    paragraphs = [" ".join(line.strip() for line in block.splitlines())
                  for block in re.split(r"\n\s*\n", text.strip())]
    return "\n\n".join(RST_LITERAL.sub(r"`\1`", paragraph) for paragraph in paragraphs)


def plain(text: str) -> str:
    """The first sentence, without markup: an OpenAPI summary is plain text."""
    joined = " ".join(RST_LITERAL.sub(r"\1", text).split())
    return SENTENCE_END.split(joined, maxsplit=1)[0].rstrip(".;:")


class MarkdownDocstrings(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            summary, description = operation.get("summary", ""), operation.get("description", "")
            whole = "\n\n".join(part for part in (summary, description) if part)
            if whole:
                operation["summary"] = plain(summary or description)
                operation["description"] = markdown(whole)
            for parameter in operation.get("parameters", []):
                if isinstance(parameter, dict) and "description" in parameter:
                    parameter["description"] = markdown(parameter["description"])
