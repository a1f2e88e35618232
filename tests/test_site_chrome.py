"""What every page carries: a way to log out, the icon, the calendar address to copy, a way back
from the API docs; and, with DEBUG off, static files that answer and friendly error pages."""

import json
import re

import pytest
from django.test import RequestFactory

from bilateral.views import server_error
from tests.test_security import manage

ICON = '<link rel="icon" href="/static/agreements/favicon.svg" type="image/svg+xml">'


def test_pages_offer_a_log_out_button_that_logs_out(demo, client_as):
    client = client_as("manager")

    page = client.get("/").content.decode()
    logged_out = client.post("/admin/logout/")

    assert re.search(
        r'<form class="logout" method="post" action="/admin/logout/">'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="\w+">'
        r'<button type="submit">Log out</button></form>',
        page,
    )
    assert logged_out.status_code == 200
    assert client.get("/").url == "/admin/login/?next=/"


@pytest.mark.parametrize(
    "path", ["/", "/follow-ups/", "/admin/", "/admin/agreements/instrument/", "/api/docs/"]
)
def test_every_page_links_the_icon(demo, client_as, path):
    page = client_as("analyst").get(path).content.decode()

    assert page.count(ICON) == 1


def test_home_links_the_calendar_address_with_a_copy_button(demo, client_as):
    page = client_as("manager").get("/").content.decode()

    link = re.search(
        r'<a href="(http://testserver/calendar/[^"]+\.ics)" id="calendar-address">', page
    )
    assert link, "the calendar address is not a link"
    assert '<button type="button" class="copy" data-copy="#calendar-address">' in page
    assert '<script src="/static/agreements/copy.js" defer></script>' in page


def test_api_docs_lead_back_to_the_pages(db, client_as):
    page = client_as("consumer").get("/api/docs/").content.decode()

    assert '<a href="/">← Back to Bilateral</a>' in page
    assert "<style>" not in page  # the CSP would refuse it


def test_an_unknown_page_is_friendly_and_leads_home(client, settings):
    settings.DEBUG = False

    response = client.get("/relations/nowhere/at/all/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert '<a href="/">Go to the start page</a>' in page
    assert ICON in page


def test_a_page_not_for_the_role_says_why_and_leads_home(demo, client_as):
    response = client_as("manager").get("/intake/")  # analysts record a report; managers read

    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Not for your role</h1>" in page
    assert "ask an administrator to change your role" in page
    assert '<a href="/">Go to the start page</a>' in page
    assert ICON in page


def test_the_icon_is_where_browsers_look_for_it_first(db, client):
    response = client.get("/favicon.ico")  # asked for by pages that name none (a JSON answer)

    assert (response.status_code, response["Location"]) == (301, "/static/agreements/favicon.svg")


def test_a_server_error_is_friendly_and_leads_home(rf: RequestFactory):
    try:
        raise ZeroDivisionError
    except ZeroDivisionError:
        response = server_error(rf.get("/instruments/1/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Server error</h1>" in page
    assert '<a href="/">Go to the start page</a>' in page


# A server with DEBUG off outside production (a staging server; anyone trying the 404 page): the
# settings are read afresh in a process of their own, and the requests go through its middleware.
DEBUG_OFF_REQUESTS = """
import json
from django.test import Client
client = Client()
paths = ["/static/agreements/bilateral.css", "/static/agreements/favicon.svg",
         "/static/agreements/copy.js", "/static/admin/js/calendar.js", "/nowhere/"]
answers = {path: client.get(path) for path in paths}
print(json.dumps({path: [r.status_code, "<h1>Page not found</h1>" in (
    b"".join(r.streaming_content) if r.streaming else r.content).decode()]
    for path, r in answers.items()}))
"""


def test_with_debug_off_static_files_answer_and_a_missing_page_is_friendly():
    result = manage("shell", "-v0", "-c", DEBUG_OFF_REQUESTS, DEBUG="false")

    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "/static/agreements/bilateral.css": [200, False],
        "/static/agreements/favicon.svg": [200, False],
        "/static/agreements/copy.js": [200, False],
        "/static/admin/js/calendar.js": [200, False],
        "/nowhere/": [404, True],
    }, result.stderr
