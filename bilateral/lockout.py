"""The page django-axes shows a locked-out login (AXES_LOCKOUT_CALLABLE): it says when the user
may try again, counted from the last wrong password before the lockout. Attempts made while
locked out do not restart the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False),
so the time it gives holds even if the user keeps trying."""

import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone

from bilateral.client_address import client_address


def lockout_response(request, original_response=None, credentials=None):
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    last_failure_at = (
        AccessAttempt.objects.filter(
            username=username, ip_address=client_address(request)
        ).aggregate(last=Max("attempt_time"))["last"]
        or timezone.now()
    )
    retry_at = last_failure_at + cool_off
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "retry_at": retry_at,
        "minutes_left": max(1, math.ceil((retry_at - timezone.now()).total_seconds() / 60)),
    }
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
