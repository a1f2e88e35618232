"""The login form, filled in the same way by every browser test (each test user has the one
test password, given to `UserFactory`)."""


def submit_login(page, url: str, username: str) -> None:
    """Open `url`, which asks to log in first, and log in as `username`; the caller then waits
    for whatever it needs to see."""
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
