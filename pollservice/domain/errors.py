"""Domain errors, raised by the services and the read model. The web layers turn them
into HTTP responses (JSON under ``/api``, HTML elsewhere) in ``pollservice.errors``; the
CLI prints them."""

from __future__ import annotations


def error_body(code: str, message: str | None, fields: dict[str, str] | None = None) -> dict:
    """The JSON body of every API error: ``{"error": {"code", "message", "fields"}}``."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


class ServiceError(Exception):
    """Base class. ``status`` is the HTTP status the web layers answer with."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def to_dict(self) -> dict:
        return error_body(self.code, self.message, self.fields)


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class BadRequest(ServiceError):
    """A malformed parameter (bad date, unknown method)."""

    status = 400
    code = "bad_request"


class ValidationFailed(ServiceError):
    """Well-formed input that breaks a rule (percent over 100, end before start)."""

    status = 422
    code = "validation_failed"


class Forbidden(ServiceError):
    """Signed in (or a valid token), but the role or the token's scope does not allow it."""

    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class PollExists(Conflict):
    """The poll sent is stored already: its ``source``/``source_id`` are taken, or it is
    identical to a stored poll. ``poll_id`` is the stored poll's id: the API's body names it
    (``existing_poll``, with its URL, also in ``Location``), the form links it."""

    def __init__(self, message: str, fields: dict[str, str], poll_id: int):
        super().__init__(message, fields)
        self.poll_id = poll_id

    def to_dict(self) -> dict:
        body = super().to_dict()
        body["error"]["existing_poll"] = {"id": self.poll_id}
        return body


class UnknownPollster(ValidationFailed):
    """A poll names a pollster that does not exist and its creation was not asked for
    (the form's confirmation, the API's ``create_pollster: true``). ``suggestions`` are
    ``(slug, name)`` of the pollsters the name may mean; the API's body lists them."""

    def __init__(self, name: str, suggestions: list[tuple[str, str]]):
        guesses = " or ".join(f"“{shown}”" for _, shown in suggestions)
        hint = f"; did you mean {guesses}?" if suggestions else ""
        super().__init__(f"No pollster called {name!r}{hint or '.'} Pick an existing pollster, or "
                         "ask for a new one to be created.",
                         fields={"pollster": f"no pollster called {name!r}{hint}"})
        self.name = name
        self.suggestions = suggestions

    def to_dict(self) -> dict:
        body = super().to_dict()
        body["error"]["suggestions"] = [{"slug": slug, "name": shown} for slug, shown in self.suggestions]
        return body


class NotReady(ServiceError):
    """What was asked for is being computed by a worker; ``retry_after`` seconds."""

    status = 503
    code = "not_ready"

    def __init__(self, message: str, fields: dict[str, str] | None = None, retry_after: int = 2):
        super().__init__(message, fields)
        self.retry_after = retry_after
