"""What a hostile or clumsy browser may send: hypothesis strategies for form values and query strings.

Values are bytes or str; bytes go on the wire as they are (percent-encoded), so invalid UTF-8 and
the UTF-8-style encoding of lone surrogates reach the app although Python cannot encode them as str.
"""

import inspect
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FileField,
    FloatField,
    FormField,
    IntegerField,
    MonthField,
    SelectField,
    SelectMultipleField,
    TimeField,
)
from wtforms.fields.core import UnboundField
from wtforms.form import BaseForm, FormMeta

SCRIPT = "<script>alert(1)</script>"
MEGABYTE = 1024 * 1024
# gunicorn answers 400 to a request line longer than this (its limit_request_line) before the app
# sees it, and nginx in front of it 414 at 8 KB: no query value longer reaches a view.
REQUEST_LINE = 4094

_samples = st.sampled_from(
    [
        "",
        " ",
        "\t\n",
        "\x00",
        "a\x00b",
        "مرحبا بكم في جوار — ورشة الطبخ",  # Arabic, right to left
        "\u202eevil\u202c.exe",  # right-to-left override
        "שלום",
        "e\u0301\u0301\u0301\u0301",  # combining marks piled up
        "\u0627\u064e\u064b\u0651",
        "👩🏽‍🌾🇲🇦🇹🇳",
        "\ufeff\u200b\u200d",
        "\r\n\x1b[31m\x07\x7f",
        SCRIPT,
        '"><img src=x onerror=alert(1)>',
        "javascript:alert(1)",
        "' OR 1=1 --",
        "%00%s%n{0}{{7*7}}",
        "NULL",
        "None",
        "Ünïcödé façade",
        "٠٦١٢٣٤٥٦٧٨",  # a phone number in Arabic-Indic digits
    ]
)
_alphabets = st.one_of(
    st.characters(codec="utf-8"),
    st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]),
    st.characters(categories=["Mn", "Me"]),
    st.characters(min_codepoint=0x0590, max_codepoint=0x08FF),  # Hebrew, Arabic, Syriac, Thaana
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
)
_huge = st.builds(
    lambda piece, size: (piece * (size // max(len(piece.encode()), 1) + 1))[:size],
    st.sampled_from(["x", "ج", "👍", "a\x00", "é"]),
    st.sampled_from([300, 5_000, 70_000, 400_000, MEGABYTE]),
)
_bad_bytes = st.sampled_from(
    [
        b"\xff\xfe",
        b"\xed\xa0\x80",  # a lone high surrogate, encoded as UTF-8 would if it could
        b"\xed\xbf\xbf",
        b"caf\xe9",  # Latin-1
        b"\xc0\x80",  # overlong NUL
        b"\xf4\x90\x80\x80",  # above U+10FFFF
    ]
)

text = st.one_of(
    _samples,
    st.text(_alphabets, max_size=60),
    st.lists(st.one_of(_samples, st.text(_alphabets, max_size=20)), max_size=4).map("".join),
    _huge,
    _bad_bytes,
)
numbers = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.integers(0, 200).map(str),
    st.sampled_from(
        ["0", "-1", "1e9", "1.5", "NaN", "inf", "-0", " 12 ", "0x1f", "٣", "²", "١٢", "9" * 5000, "1_000"]
    ),
    text,
)
dates = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    st.times().map(lambda moment: moment.strftime("%H:%M")),
    st.sampled_from(
        ["2026-02-30", "2026-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "9999-12-31T23:59",
         "99999-01-01", "2026-06-01T25:00", "24:00", "12:60", "2026-06-01 10:00", "01/06/2026", "2026-W23"]
    ),
    text,
)
ids = st.one_of(st.integers(-3, 40).map(str), st.integers(2**31 - 2, 2**70).map(str), numbers)
flags = st.one_of(st.sampled_from(["y", "on", "1", "true", "", "n"]), text)
extra_names = st.one_of(
    st.sampled_from(
        ["role", "status", "is_admin", "user_id", "participant_id", "municipality_id", "id", "version",
         "confirmed_count", "support_count", "author_id", "next", "csrf_token", "_method"]
    ),
    st.text(_alphabets, min_size=1, max_size=12),
)


def form_classes(view) -> list[type[BaseForm]]:
    """The WTForms classes a view (or a helper of its own module it calls) builds."""
    found: list[type[BaseForm]] = []
    seen: set = set()

    def names(code):
        yield from code.co_names
        for constant in code.co_consts:
            if inspect.iscode(constant):
                yield from names(constant)

    def walk(function, depth):
        function = inspect.unwrap(function)
        if function in seen or not inspect.isfunction(function):
            return
        seen.add(function)
        for name in names(function.__code__):
            value = function.__globals__.get(name)
            if isinstance(value, FormMeta) and value not in found:
                found.append(value)
            elif inspect.isfunction(value) and value.__module__ == function.__module__ and depth < 3:
                walk(value, depth + 1)

    walk(view, 0)
    return found


def _unbound_fields(form_class) -> list[tuple[str, UnboundField]]:
    return [
        (name, value)
        for name in dir(form_class)
        if not name.startswith("_") and isinstance(value := getattr(form_class, name), UnboundField)
    ]


def _choices(field: UnboundField) -> list[str]:
    choices = field.kwargs.get("choices")
    if choices is None or callable(choices):
        return []
    values = []
    for choice in choices:
        value = getattr(choice, "value", choice[0] if isinstance(choice, tuple | list) else choice)
        values.append(str(value))
    return values


def good_values(form_class, prefix: str = "") -> dict[str, str | list[str]]:
    """A plausible value per field, so that most of a form is valid and the fuzzed fields get as far
    as the service and the database (a wholly random form stops at validation)."""
    values: dict[str, str | list[str]] = {}
    for name, field in _unbound_fields(form_class):
        kind, full = field.field_class, prefix + name
        if issubclass(kind, FieldList):
            inner = field.args[0] if field.args else field.kwargs["unbound_field"]
            if issubclass(inner.field_class, FormField):
                values.update(good_values(inner.args[0], f"{full}-0-"))
        elif issubclass(kind, FormField):
            values.update(good_values(field.args[0], f"{full}-"))
        elif issubclass(kind, FileField) or name in ("id", "version", "csrf_token"):
            continue
        elif issubclass(kind, SelectMultipleField):
            values[full] = _choices(field)[:1] or []
        elif issubclass(kind, SelectField):
            choices = [value for value in _choices(field) if value]
            if choices:
                values[full] = choices[0]
        elif issubclass(kind, BooleanField):
            values[full] = "y"
        elif issubclass(kind, IntegerField | DecimalField | FloatField):
            values[full] = "1990" if "year" in name else "12"
        elif issubclass(kind, TimeField):
            values[full] = "12:00" if "end" in name else "10:00"
        elif issubclass(kind, DateField):
            values[full] = "2027-06-30" if "end" in name else "2027-05-01"
        elif issubclass(kind, DateTimeLocalField | DateTimeField):
            values[full] = "2027-05-01T10:00"
        elif "code" in name:
            values[full] = "SN"
        else:
            values[full] = "Un atelier de cuisine partagée entre voisins — ورشة طبخ"
    return values


def date_fields(form_class, prefix: str = "") -> list[str]:
    """The input names of the form's date and date-time fields (times of day left out)."""
    names = []
    for name, field in _unbound_fields(form_class):
        kind = field.field_class
        if issubclass(kind, FieldList):
            inner = field.args[0] if field.args else field.kwargs["unbound_field"]
            if issubclass(inner.field_class, FormField):
                names += date_fields(inner.args[0], f"{prefix}{name}-0-")
        elif issubclass(kind, FormField):
            names += date_fields(field.args[0], f"{prefix}{name}-")
        elif issubclass(kind, DateField | DateTimeField) and not issubclass(kind, TimeField):
            names.append(prefix + name)
    return names


def field_strategies(form_class, prefix: str = "") -> dict[str, st.SearchStrategy]:
    """One strategy per input name the form reads, shaped by the field's type."""
    strategies: dict[str, st.SearchStrategy] = {}
    for name, field in _unbound_fields(form_class):
        kind = field.field_class
        full = prefix + name
        if issubclass(kind, FieldList):
            inner = field.args[0] if field.args else field.kwargs["unbound_field"]
            for index in range(2):
                if issubclass(inner.field_class, FormField):
                    strategies.update(field_strategies(inner.args[0], f"{full}-{index}-"))
                else:
                    strategies[f"{full}-{index}"] = text
        elif issubclass(kind, FormField):
            strategies.update(field_strategies(field.args[0], f"{full}-"))
        elif issubclass(kind, FileField):
            continue  # files go multipart; the domains' own tests cover photos
        elif issubclass(kind, SelectMultipleField):
            good = st.sampled_from(_choices(field) or ["fr"])
            strategies[full] = st.lists(st.one_of(good, text), max_size=4)
        elif issubclass(kind, SelectField):
            good = _choices(field)
            strategies[full] = st.one_of(st.sampled_from(good), ids, text) if good else st.one_of(ids, text)
        elif issubclass(kind, BooleanField):
            strategies[full] = flags
        elif issubclass(kind, IntegerField | DecimalField | FloatField):
            strategies[full] = numbers
        elif issubclass(kind, DateField | DateTimeField | DateTimeLocalField | TimeField | MonthField):
            strategies[full] = dates
        elif name in ("id", "version") or name.endswith("_id"):
            strategies[full] = ids
        else:
            strategies[full] = text
    return strategies


def form_data(named: dict[str, st.SearchStrategy], given: dict, good: dict) -> st.SearchStrategy:
    """Half the examples: every field fuzzed, the access table's value, or absent. The other half: a
    plausible form (`good`, then the access table's values) with one to three fields fuzzed. Both
    with extra fields."""
    def one(name, strategy):
        choices = [strategy, st.none()]
        if name in given:
            choices.insert(0, st.just(given[name]))
        return st.one_of(*choices)

    chaos = st.fixed_dictionaries({name: one(name, strategy) for name, strategy in named.items()})
    baseline = {**given, **good}  # the access table's forms are often invalid on purpose
    if named:
        picked = st.lists(st.sampled_from(sorted(named)), min_size=1, max_size=3, unique=True)
        mostly_good = picked.flatmap(
            lambda names: st.fixed_dictionaries({name: named[name] for name in names})
        ).map(lambda fuzzed: {**baseline, **fuzzed})
    else:
        mostly_good = st.just(dict(baseline))
    extras = st.dictionaries(extra_names, st.one_of(ids, text), max_size=3)
    return st.builds(
        lambda known, extra: {**extra, **{k: v for k, v in known.items() if v is not None}},
        st.one_of(mostly_good, chaos),
        extras,
    )


def within_request_line(values: dict) -> dict:
    """Query values cut to what a request line can hold. A form's body may be a megabyte; a URL may
    not, and the test client spends seconds unquoting one the server would never pass on."""
    def cut(value):
        if isinstance(value, list):
            return [cut(item) for item in value]
        return value[:REQUEST_LINE] if isinstance(value, str | bytes) else value

    return {name: cut(value) for name, value in values.items()}


def encode(data: dict) -> bytes:
    """application/x-www-form-urlencoded, bytes values kept as they are, lists as repeated names."""
    pairs = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            raw = item if isinstance(item, bytes) else str(item).encode("utf-8", "surrogatepass")
            pairs.append(quote_from_bytes(name.encode("utf-8", "surrogatepass"), safe="") + "="
                         + quote_from_bytes(raw, safe=""))
    return "&".join(pairs).encode("ascii")
