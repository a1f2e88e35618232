"""The admin's "Change password" page, with the choice to revoke every API token of one's own.

API tokens do not depend on the password (calendar URLs do: they are signed with its hash), so a
password changed because it leaked leaves a program holding a token still working. The page
offers to end them in the same step.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm

from agreements import services


class PasswordChangeForm(AdminPasswordChangeForm):
    revoke_tokens = forms.BooleanField(
        required=False,
        label="Also revoke all my API tokens",
        help_text="Programs using one of them are refused until you issue them a new token. "
        "Leave it unticked and your tokens keep working.",
    )

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and self.cleaned_data["revoke_tokens"]:
            services.user_tokens_revoke(user=user)
        return user


admin.site.password_change_form = PasswordChangeForm
admin.site.password_change_template = "admin/password_change_with_tokens.html"
