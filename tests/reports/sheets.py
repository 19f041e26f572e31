"""Reading an exported sheet back as its reader sees it: past the lines on top (what was asked,
when, the legend), each figure is its number, or its mark ("< 5") when the number cell is empty."""

def preamble(sheet) -> list[str]:
    """The lines above the first empty row."""
    lines = []
    for (value, *_rest) in sheet.iter_rows(values_only=True):
        if value is None:
            break
        lines.append(value)
    return lines


def table_rows(sheet) -> list[tuple]:
    """The rows below the preamble, as stored."""
    return list(sheet.iter_rows(min_row=len(preamble(sheet)) + 2, values_only=True))


def shown(sheet) -> dict:
    """{first cell: [each figure or text as shown]} of the rows below the first header, each mark
    column folded into the figure before it."""
    rows = table_rows(sheet)
    at = next(i for i, row in enumerate(rows) if sum(value is not None for value in row) > 1)
    header = rows[at]
    # A mark column is named after the figure column before it ("Reached: mark", "Femme : marque").
    marks = {j for j in range(1, len(header))
             if isinstance(header[j], str) and header[j] != header[j - 1]
             and header[j].startswith(str(header[j - 1]))}
    result = {}
    for row in rows[at + 1:]:
        if not row or row[0] is None:
            continue
        cells = []
        for j, value in enumerate(row[1:], start=1):
            if j in marks:
                continue
            mark = row[j + 1] if j + 1 in marks and j + 1 < len(row) else None
            cells.append(mark if mark is not None else value)
        result[row[0]] = cells
    return result
