import pytest
from django.contrib.contenttypes.models import ContentType


@pytest.fixture(autouse=True)
def cold_content_type_cache():
    """These tests open admin pages that cache content types for the process; the tests that
    count an admin page's queries afterwards expect to look them up themselves."""
    yield
    ContentType.objects.clear_cache()
