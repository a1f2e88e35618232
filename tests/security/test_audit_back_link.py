"""Finding 5: the audit trail's *Back* link goes only to a path on this site."""

import pytest

from tests.factories import make_instrument


@pytest.mark.parametrize(
    ("back", "shown"),
    [
        ("/admin/agreements/instrument/?status__exact=signed", True),
        ("javascript:alert(1)", False),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("data:text/html,hi", False),
        ("admin/agreements/", False),
    ],
)
def test_events_page_links_back_only_to_a_path_on_this_site(db, client_as, back, shown):
    instrument = make_instrument()

    response = client_as("analyst").get(
        "/admin/pghistory/middlewareevents/",
        {"method": "tracks", "obj": f"agreements.Instrument:{instrument.pk}", "back": back},
    )

    assert response.status_code == 200
    links = [
        line.strip() for line in response.content.decode().splitlines() if 'class="back"' in line
    ]
    expected = f'<a href="{back.replace("&", "&amp;")}" class="back">Back</a>'
    assert links == ([expected] if shown else [])
