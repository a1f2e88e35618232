"""One follow-up's page: what was promised, where, when and by whom, every progress update, and
for those who may update follow-ups (managers, analysts) two short forms: add a progress update,
and say who answers for it and by when. Consumers read the same page without the forms."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from agreements import services
from agreements.models import FollowUpAction, Organization, Person, State, today
from agreements.views.follow_ups import board_line, board_queryset

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UpdateForm(forms.Form):
    """A progress update: what happened, when, and the status it leaves the follow-up in."""

    happened_on = forms.DateField(label="Date", widget=DATE)
    note = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what happened."},  # the service's words
    )
    to_status = forms.ChoiceField(label="Status afterwards", required=False)

    def __init__(self, *args, action: FollowUpAction, **kwargs):
        super().__init__(*args, initial={"happened_on": today()}, **kwargs)
        current = FollowUpAction.Status(action.status)
        # Only the moves the follow-up lifecycle allows from here are offered.
        self.fields["to_status"].choices = [
            ("", f"Still {current.label.lower()}"),
            *((status.value, status.label) for status in FollowUpAction.TRANSITIONS[current]),
        ]


class AssignForm(forms.Form):
    """Who answers for a follow-up, and by when."""

    responsible_state = forms.ModelChoiceField(
        State.objects.all(), required=False, empty_label="No state", label="Responsible state"
    )
    responsible_organization = forms.ModelChoiceField(
        Organization.objects.order_by("name", "id"),
        required=False,
        empty_label="No organization",
        label="Organization",
    )
    responsible_contact = forms.ModelChoiceField(
        Person.objects.all(),
        required=False,
        empty_label="No one",
        label="Contact (reminded by e-mail)",
    )
    due_on = forms.DateField(label="Due on", required=False, widget=DATE)


def _show_refusal(form: forms.Form, refusal: ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form for the others."""
    for field, words in refusal.message_dict.items():
        form.add_error(field if field in form.fields else None, words)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("agreements.view_followupaction", raise_exception=True)
def follow_up_page(request, pk):
    """The follow-up, its progress, and (for those allowed) the forms that move it on."""
    action = get_object_or_404(
        board_queryset().select_related(
            "responsible_contact", "result_instrument", "result_meeting"
        ),
        pk=pk,
    )
    may_update = request.user.has_perm("agreements.add_actionupdate")
    may_assign = request.user.has_perm("agreements.change_followupaction")
    update_form = UpdateForm(action=action) if may_update else None
    assign_form = AssignForm(initial=_assigned(action)) if may_assign else None
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        if not {"update": may_update, "assign": may_assign}.get(which, may_update or may_assign):
            raise PermissionDenied
        if which == "update":
            update_form = UpdateForm(request.POST, action=action)
            if update_form.is_valid() and _record_update(request, action, update_form):
                return redirect(f"{request.path}#progress")
        elif which == "assign":
            assign_form = AssignForm(request.POST, initial=_assigned(action))
            if assign_form.is_valid() and _assign(request, action, assign_form):
                return redirect(request.path)
        status = 400
    return render(
        request,
        "agreements/follow_up_page.html",
        {
            "action": action,
            "line": board_line(action),
            "updates": action.updates.select_related("recorded_by").prefetch_related("sources"),
            "update_form": update_form,
            "assign_form": assign_form,
        },
        status=status,
    )


def _assigned(action: FollowUpAction) -> dict:
    return {
        "responsible_state": action.responsible_state_id,
        "responsible_organization": action.responsible_organization_id,
        "responsible_contact": action.responsible_contact_id,
        "due_on": action.due_on,
    }


def _record_update(request, action: FollowUpAction, form: UpdateForm) -> bool:
    try:
        update = services.action_record_update(
            action=action,
            note=form.cleaned_data["note"],
            happened_on=form.cleaned_data["happened_on"],
            to_status=form.cleaned_data["to_status"],
            user=request.user,
        )
    except ValidationError as refusal:
        _show_refusal(form, refusal)
        return False
    if update.to_status:
        moved = FollowUpAction.Status(update.to_status).label.lower()
        messages.success(request, f"Progress update recorded; the follow-up is now {moved}.")
    else:
        messages.success(request, "Progress update recorded.")
    return True


def _assign(request, action: FollowUpAction, form: AssignForm) -> bool:
    if not form.has_changed():
        messages.info(request, "Nothing was changed.")
        return True
    try:
        services.action_assign(action=action, **form.cleaned_data)
    except ValidationError as refusal:
        _show_refusal(form, refusal)
        return False
    messages.success(request, "Saved: who answers for it and by when.")
    return True
