"""Reading report tables back from a page: {(table id, row key, column): text}."""

from html.parser import HTMLParser


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells = {}
        self.table = self.row = self.column = None
        self.text = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.table = attrs.get("id")
        elif tag == "tr":
            self.row = attrs.get("data-key", "total" if "total" in (attrs.get("class") or "") else None)
            if self.table == "table-summary":
                self.row = "summary"
        elif tag == "td" and "data-column" in attrs:
            self.column = attrs["data-column"]
            self.text = ""

    def handle_data(self, data):
        if self.text is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "td" and self.text is not None:
            self.cells[(self.table, self.row, self.column)] = " ".join(self.text.split())
            self.text = None
        elif tag == "table":
            self.table = None


def report_cells(html: str) -> dict:
    parser = _Cells()
    parser.feed(html)
    return parser.cells
