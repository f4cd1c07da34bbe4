"""Flask-WTF forms (CSRF-protected). The poll form grows one percent field per answer
choice of the chosen question; the question form lists the existing choices to rename or
remove."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, StopValidation

from ..domain.poll_fields import EDITABLE_FIELDS, POPULATIONS, SCALAR_FIELDS, PollField
from ..domain.roles import ROLES
from ..domain.vocabulary import PARTIES, STATUSES
from ..models import Poll, Question
from ..services.users import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Sign in")


class NewUserForm(FlaskForm):
    """An account an admin creates; its first password is made and shown once. The
    service checks the name and the role (its messages go next to the fields)."""

    username = StringField("Username", description="1 to 80 characters; the name they sign in with.")
    role = SelectField("Role", choices=[SelectChoice(r, r) for r in ROLES], default="editor",
                       validate_choice=False)
    submit = SubmitField("Create the account")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[Length(max=200)])
    new_password = PasswordField("New password", validators=[Length(max=200)],
                                 description=f"At least {MIN_PASSWORD_LENGTH} characters.")
    confirm = PasswordField("New password again", validators=[Length(max=200)])
    submit = SubmitField("Change the password")


class PollForm(FlaskForm):
    """The poll form: the question, then one field per editable field of ``POLL_FIELDS``
    (added below, in the table's order), then one percent field per answer choice."""

    # A text field with suggestions (``/admin/questions/suggest``), not a select of every
    # question; the typed slug or title is checked on the server.
    question = StringField("Question",
                           validators=[DataRequired(message="Enter the question's slug or title.")],
                           description="Type a few words of the question, then pick one of the suggestions "
                                       "(its slug or its exact title).")

    # A pollster no pollster's name or alias matches is created only when this box is
    # ticked for the very name it was offered for (``confirmed_pollster``): never by a typo.
    create_pollster = BooleanField("Create it as a new pollster")
    confirmed_pollster = HiddenField()

    choice_field_names: list[tuple[str, str]] = []

    def choice_fields(self):
        return [(name, getattr(self, field_name)) for field_name, name in self.choice_field_names]


def _form_field(field: PollField):
    """The form field of one poll field; the service's validator checks the same rules
    again (and is the one that counts), these give the browser's first answer."""
    text_limit = [Length(max=field.max_length)] if field.max_length else []
    presence = [DataRequired()] if field.required else [Optional()]
    if field.kind == "date":
        return DateField(field.label, validators=[DataRequired(message="Enter a date.")])
    if field.kind == "count":
        return IntegerField(field.label, description=field.help, validators=[
            Optional(), NumberRange(min=1, message="Must be at least 1.")])
    if field.kind == "population":  # no default: a wrong guess would weigh the poll wrongly
        return SelectField(field.label, description=field.help,
                           validators=[DataRequired(message="Choose who was polled.")],
                           choices=[SelectChoice("", "Choose…"),
                                    *(SelectChoice(code, label) for code, label in POPULATIONS.items())])
    if field.kind == "flag":
        return BooleanField(field.label)
    if field.kind == "url":
        return URLField(field.label, validators=[Optional(), URL(message="Enter an http(s) address."),
                                                 *text_limit])
    kind = TextAreaField if field.multiline else StringField
    return kind(field.label, validators=[*presence, *text_limit], description=field.help)


for _field in EDITABLE_FIELDS:
    setattr(PollForm, _field.name, _form_field(_field))
PollForm.submit = SubmitField("Save poll")


def finite_number(_form, field) -> None:
    """A percent must be a finite number: ``NaN``, ``sNaN`` (on which NumberRange's own
    ``isnan`` raises) and ``Infinity`` parse as Decimals."""
    if isinstance(field.data, Decimal) and not field.data.is_finite():
        raise StopValidation("Enter a number.")


def poll_form_for(chosen: Question, **kwargs) -> PollForm:
    """A ``PollForm`` with one percent field per answer choice of the ``chosen`` question."""

    class QuestionPollForm(PollForm):
        pass

    names = []
    for choice in chosen.choices:
        field_name = f"pct_{choice.position}"
        setattr(
            QuestionPollForm,
            field_name,
            DecimalField(
                f"{choice.name} (%)",
                places=None,
                validators=[Optional(), finite_number,
                            NumberRange(0, 100, message="Must be between 0 and 100.")],
            ),
        )
        names.append((field_name, choice.name))
    QuestionPollForm.choice_field_names = names
    form = QuestionPollForm(**kwargs)
    form.results_group = ErrorGroup()
    return form


class ErrorGroup:
    """The errors of several fields together (the percents adding up to more than 100):
    shown beside their fieldset, each of its fields marked invalid, not as a banner."""

    def __init__(self) -> None:
        self.errors: list[str] = []


def poll_form_data(poll: Poll) -> dict:
    """The stored poll as the poll form's initial data."""
    data = {name: getattr(poll, name) for name in SCALAR_FIELDS}
    data["pollster"] = poll.pollster.name
    by_choice = {result.choice_id: result.pct for result in poll.results}
    for choice in poll.question.choices:
        if choice.id in by_choice:
            data[f"pct_{choice.position}"] = Decimal(f"{by_choice[choice.id]:g}")
    return data


class ActionForm(FlaskForm):
    """A button that changes something (delete, restore): only the CSRF token and where
    to go next."""

    next = HiddenField()


QUESTION_HELP = {
    "slug": "The question's address: /questions/<slug>. Leave empty to make one from the title.",
    "region": "e.g. United States, California; used by the region filter on the home page.",
}


class QuestionForm(FlaskForm):
    title = StringField("Question", validators=[DataRequired(), Length(max=300)],
                        description="As the pollsters asked it.")
    slug = StringField("Slug", validators=[Optional(), Length(max=120)], description=QUESTION_HELP["slug"])
    region = StringField("Region", validators=[Optional(), Length(max=120)],
                         description=QUESTION_HELP["region"])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    choices = TextAreaField(
        "Answer choices", validators=[DataRequired(message="Enter at least one answer choice.")],
        description="One per line, in the order to show them, e.g. Support, Oppose.",
    )
    submit = SubmitField("Create question")

    def choice_names(self) -> list[str]:
        return [line.strip() for line in (self.choices.data or "").splitlines() if line.strip()]


class ChoiceRowForm(Form):
    """One existing answer choice: rename it, or tick remove; a candidate's full name,
    party, status and the day it withdrew."""

    id = HiddenField()
    name = StringField("Name", validators=[Length(max=120)])
    full_name = StringField("Full name", validators=[Optional(), Length(max=200)])
    party = SelectField("Party", choices=[SelectChoice("", "–"), *(
        SelectChoice(code, party.name) for code, party in PARTIES.items())], validate_choice=False)
    status = SelectField("Status", choices=[SelectChoice(code, label) for code, label in STATUSES.items()],
                         validate_choice=False)
    withdrew_on = DateField("Withdrew on", validators=[Optional()])
    remove = BooleanField("Remove")


class QuestionEditForm(FlaskForm):
    title = StringField("Question", validators=[DataRequired(), Length(max=300)])
    slug = StringField("Slug", validators=[Optional(), Length(max=120)],
                       description="Changing it changes the question's address; links and embeds"
                                   " that use the old one are redirected to the new one.")
    region = StringField("Region", validators=[Optional(), Length(max=120)],
                         description=QUESTION_HELP["region"])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    choices = FieldList(FormField(ChoiceRowForm))
    new_choices = TextAreaField("Add answer choices", validators=[Optional()],
                                description="One per line; they are added after the existing ones.")
    submit = SubmitField("Save question")


class ChartEventForm(FlaskForm):
    """An event to mark on a question's charts (or on its race's)."""

    day = DateField("Date", validators=[DataRequired(message="Enter a date.")])
    label = StringField("Label", validators=[DataRequired(), Length(max=80)],
                        description="Short: it runs up the chart, e.g. “First debate”, “Biden withdraws”.")
    scope = SelectField("Show it on", choices=[SelectChoice("question", "this question's charts"),
                                                SelectChoice("race", "every question of its race")])
    submit = SubmitField("Add the event")


class PollsterForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)],
                       description="As the pollster calls itself, e.g. Ipsos, SurveyUSA.")
    submit = SubmitField("Save pollster")


class AliasForm(FlaskForm):
    alias = StringField("New alias", validators=[DataRequired(), Length(max=200)],
                        description="Another spelling of the name, as a file or a news report writes it.")
    submit = SubmitField("Add alias")


class InclusionForm(FlaskForm):
    """The inclusion policy of one pollster: in the averages, or excluded with a reason."""

    excluded = BooleanField("Exclude its polls from every average")
    reason = TextAreaField("Public reason", validators=[Optional(), Length(max=2000)],
                           description="Shown on the pollster's page, its polls' pages and the methodology "
                                       "page, e.g. “Did not disclose its methods when asked (2024-05)”.")
    submit = SubmitField("Save the inclusion policy")


class MergeForm(FlaskForm):
    """The confirmation of a merge: the survivor's slug and the CSRF token."""

    into = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Merge")


def attach_errors(form, fields: dict[str, str], lookup: Callable[[str], object | None] | None = None) -> None:
    """Put a service's per-field messages (``{"start_date": "must be ..."}``) next to
    the matching form fields; a message with no field goes to the form's own errors.
    ``lookup`` maps a key to a field where the names differ."""
    for key, message in fields.items():
        text = message[:1].upper() + message[1:] + "."
        field = lookup(key) if lookup else None
        if field is None and "." not in key:
            field = getattr(form, key, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, text]
        else:
            form.form_errors.append(text)
