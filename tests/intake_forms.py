"""Read a rendered review form back as the browser would post it (for the intake tests)."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_action: str):
        super().__init__()
        self.action = form_action
        self.inside = False
        self.data: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "checkbox":
                if "checked" in attrs:
                    self.data[name] = "on"
            elif kind != "submit":
                self.data[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self.select = name
            self.first_option = True
        elif tag == "option" and self.select:
            # A browser sends the selected option, or the first when none is.
            if "selected" in attrs or self.first_option:
                self.data[self.select] = attrs.get("value") or ""
            self.first_option = False
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def posted(html: str, action: str = "/intake/record/") -> dict[str, str]:
    reader = _FormReader(action)
    reader.feed(html)
    return reader.data
