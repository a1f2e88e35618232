"""Crafted input against a running server: every page, every admin list with each of its list
filters, and every API operation from the live OpenAPI schema get NUL bytes, non-ASCII digits and
out-of-range numbers in each path and query parameter, and every API write gets JSON nested
10,000 deep. Any 5xx fails (exit 1), and so does a server that stops answering.

Usage: python .ci/probe_crafted_input.py BASE_URL API_KEY USERNAME PASSWORD  (run by .ci/fuzz)
"""

import html
import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

# What the probe found in 2026-11 (issue 13), and their neighbours: in every path parameter...
CRAFTED = ["\x00", "a\x00b", "²", "١٢", "1_0", "99999999999999999999999", "-1", "9999-12-31"]
# ...and, to keep the run short, these in every query parameter.
CRAFTED_QUERY = ["a\x00b", "²", "99999999999999999999999", "9999-12-31"]
DEEP_JSON = "[" * 10_000 + "]" * 10_000
PAGES = [
    "/",
    "/follow-ups/",
    "/search/",
    "/instruments/{id}/",
    "/meetings/{id}/",
    "/relations/{pair}/",
    "/calendar/{token}.ics",
    "/calendar/{token}/{pair}.ics",
    "/healthz",
    "/readyz",
]
PAGE_QUERIES = ["q", "pair", "status", "page", "format", "due_within", "stale", "state"]
EVENTS = "/admin/pghistory/middlewareevents/"
EVENTS_QUERIES = ["obj", "method", "model", "back", "pgh_obj_model", "label", "event_model"]


class Probe:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )
        self.failures: list[str] = []
        self.count = 0
        self.queue: list[tuple] = []

    def later(self, path: str, *, method="GET", body=None, headers=None) -> None:
        self.queue.append((path, method, body, tuple(sorted((headers or {}).items()))))

    def run(self, workers: int = 4) -> None:
        """Sends what was queued, each request once, a few at a time."""
        queued, self.queue = list(dict.fromkeys(self.queue)), []
        with ThreadPoolExecutor(workers) as pool:
            for path, method, body, headers in queued:
                pool.submit(self.send, path, method=method, body=body, headers=dict(headers))

    def send(self, path: str, *, method="GET", body=None, headers=None) -> tuple[int, str]:
        request = urllib.request.Request(
            self.base + path, data=body, method=method, headers=headers or {}
        )
        self.count += 1
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
        if status >= 500:
            self.failures.append(f"{status} {method} {path}")
        return status, text

    def login(self, username: str, password: str) -> None:
        _, page = self.send("/admin/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
        ).encode()
        status, _ = self.send(
            "/admin/login/",
            method="POST",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.base + "/admin/login/",
            },
        )
        assert status == 302, f"could not log in as {username}: {status}"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def quoted(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def pages(probe: Probe) -> None:
    for template in PAGES:
        for value in CRAFTED:
            fill = {"id": value, "pair": f"KZ-{value}", "token": f"{value}-x"}
            path = template.format(**{key: quoted(text) for key, text in fill.items()})
            probe.later(path)
        for value in CRAFTED_QUERY:
            for name in PAGE_QUERIES:
                real = template.format(id=1, pair="KZ-IL", token="1-x")
                probe.later(f"{real}?{quoted(name)}={quoted(value)}")


def admin_lists(probe: Probe) -> None:
    """Every admin list linked from the index, each of its filters' parameters (read from the
    filter links the list itself shows) set to each crafted value."""
    _, index = probe.send("/admin/")
    lists = sorted(set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', index)))
    lists.append(EVENTS)
    for path in lists:
        _, page = probe.send(path)
        parameters = set(EVENTS_QUERIES if path == EVENTS else ["q", "o", "p"])
        for link in re.findall(r'href="\?([^"]*)"', page):
            parameters |= set(urllib.parse.parse_qs(html.unescape(link)))
        for name in sorted(parameters):
            for value in CRAFTED_QUERY:
                probe.later(f"{path}?{quoted(name)}={quoted(value)}")
        probe.later(f"{path}?{quoted('a' + chr(0))}=1")


def api(probe: Probe, key: str) -> None:
    auth = {"Authorization": f"Token {key}"}
    _, text = probe.send("/api/schema/?format=json", headers={**auth, "Accept": "application/json"})
    schema = json.loads(text)
    for template, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            in_path = re.findall(r"{(\w+)}", template)
            real = re.sub(r"{\w+}", "1", template)
            for value in CRAFTED if in_path else []:
                path = re.sub(r"{\w+}", quoted(value), template)
                if method == "get":
                    probe.later(path, headers=auth)
                elif method != "delete":  # a DELETE that works would delete the demo data
                    probe.later(path, method=method.upper(), body=b"{}", headers=_json(auth))
            for value in CRAFTED_QUERY if method == "get" else []:
                for name in names:
                    probe.later(f"{real}?{quoted(name)}={quoted(value)}", headers=auth)
            if method in {"post", "put", "patch"}:
                probe.later(
                    real, method=method.upper(), body=DEEP_JSON.encode(), headers=_json(auth)
                )


def _json(headers: dict) -> dict:
    return {**headers, "Content-Type": "application/json"}


def main() -> int:
    base, key, username, password = sys.argv[1:5]
    started = time.monotonic()
    probe = Probe(base)
    api(probe, key)
    probe.run()
    probe.login(username, password)
    pages(probe)
    admin_lists(probe)
    probe.run()
    alive, _ = probe.send("/healthz")
    if alive != 200:
        probe.failures.append(f"/healthz answered {alive} after the probe")
    took = time.monotonic() - started
    print(f"crafted input: {probe.count} requests in {took:.0f} s, {len(probe.failures)} 5xx")
    for failure in probe.failures:
        print("  " + failure, file=sys.stderr)
    return 1 if probe.failures else 0


if __name__ == "__main__":
    sys.exit(main())
