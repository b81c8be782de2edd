"""Forms of the cohort-management pages. They check shapes and bounds; the services check the
rules of the domain, and their errors are put back next to the field they name."""

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import IdDocument, User
from backend.lib.errors import DomainError
from backend.lib.validation import parse_date

from .models import Course

MAX_REPEAT = 26  # half a year of weekly sessions in one go
MAX_PASTED = 200  # phone numbers in one paste


class DateField(forms.CharField):
    """A date typed as YYYY-MM-DD (the browser's date input sends that), with the project's
    readable messages and bounds."""

    widget = forms.DateInput(attrs={"type": "date"})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        try:
            return parse_date(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def put_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Shows a service's refusal next to the field it names ("body.end_date" -> end_date)."""
    field = (exc.field or "").rsplit(".", 1)[-1]
    form.add_error(field if field in form.fields else None, exc.message)


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    trainers = forms.TypedMultipleChoiceField(
        label=_("Trainers"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start_date = DateField(label=_("Start date"))
    end_date = DateField(label=_("End date"))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)

    def __init__(self, *args: Any, trainers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "trainers", [(t.pk, trainer_label(t)) for t in trainers])


class CourseChoice(forms.ModelChoiceField[Course]):
    def label_from_instance(self, obj: Course) -> str:
        return f"{obj.code} · {obj.title_for(get_language() or 'es')}"


class NewCohortForm(CohortForm):
    course = CourseChoice(
        label=_("Course"), queryset=Course.objects.order_by("code"), empty_label="—"
    )
    is_virtual = forms.BooleanField(label=_("Virtual (online)"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    field_order = ["course", "name", "trainers", "start_date", "end_date", "capacity"]

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "region", [("", "—"), *regions])


class SessionForm(forms.Form):
    date = DateField(label=_("Date"))
    module = forms.ChoiceField(label=_("Module"), required=False)
    repeat = forms.IntegerField(
        label=_("Sessions to add, one a week from this date"),
        min_value=1,
        max_value=MAX_REPEAT,
        initial=1,
    )

    def __init__(self, *args: Any, modules: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "module", [("", "—"), *((m, m) for m in modules)])


class MoveForm(forms.Form):
    date = DateField(label=_("New date"))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or phone"), max_length=80, required=False)
    document = forms.ChoiceField(
        label=_("Identity document"),
        choices=[("", _("Any")), *IdDocument.choices],
        required=False,
    )


class PasteForm(forms.Form):
    phones = forms.CharField(
        label=_("Phone numbers, one a line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_PASTED * 25,
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


def trainer_label(user: User) -> str:
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.email or str(user.phone or "")
