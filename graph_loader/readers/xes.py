"""Reading an XES event log (``.xes``, ``.xes.gz``) as a table of events, streamed.

XES (IEEE 1849) is the XML format of process-mining tools: a ``<log>`` of
``<trace>`` elements (cases), each holding attributes (``<string
key="concept:name" value="case-1"/>``) and ``<event>`` elements with their own
attributes. Each event becomes one row: its attributes under their keys, and
its trace's attributes under ``case:<key>`` (as pm4py names them in CSV), so
``case:concept:name`` is the case id, ``concept:name`` the activity,
``org:group`` the group and ``time:timestamp`` the time. Only the attributes
asked for are kept; an attribute an event lacks is the empty string. Nested
attributes (the children of a ``<list>`` or of another attribute) and the
log's own attributes are not rows' values, and ``<global>`` defaults are not
filled in. ``line`` is the line of the event's ``<event>`` tag.

The file is parsed by expat as a stream, chunk by chunk, and no tree is built:
memory holds the rows kept, never the document. Expat reports exact line
numbers (libxml2's stop being exact past line 65,535). A document that
declares entities is refused (no entity expansion, no external references).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from xml.parsers import expat

from graph_loader.readers.source import SourceTable, columns_frame
from graph_loader.readers.text import open_binary
from journey.errors import InputError

__all__ = ["read_xes", "CASE_PREFIX"]

CASE_PREFIX = "case:"
_VALUE_TAGS = frozenset({"string", "date", "int", "float", "boolean", "id"})
_NESTING_TAGS = frozenset({"list", "container", "values"})
_CHUNK = 1 << 20
_ATTRIBUTE, _NESTED, _EVENT, _TRACE, _OTHER = range(5)
_KINDS = {**dict.fromkeys(_VALUE_TAGS, _ATTRIBUTE), **dict.fromkeys(_NESTING_TAGS, _NESTED),
          "event": _EVENT, "trace": _TRACE}  # fmt: skip


class _Kinds(dict):
    """Tag name -> kind; a prefixed name (``xes:event``) is looked up by its local part once."""

    def __missing__(self, name: str) -> int:
        kind = self[name] = _KINDS.get(name.rpartition(":")[2], _OTHER)
        return kind


def _key_value(attributes: list[str]) -> tuple[str | None, str]:
    pairs = dict(zip(attributes[::2], attributes[1::2], strict=True))
    return pairs.get("key"), pairs.get("value", "")


def _refuse_entities(*_: object) -> None:
    raise InputError("the document declares XML entities, which are refused")


_Parsed = tuple[expat.XMLParserType, dict[str, list[str]], list[int], set[str]]


# Expat calls the handlers for every element, some 15 times per event, so they share the
# state as closure variables rather than attributes (seconds on a big log): one piece.
def _parser(columns: Collection[str]) -> _Parsed:
    """An expat parser that fills one list per column and the events' lines as it goes."""
    event_keys = [c for c in columns if not c.startswith(CASE_PREFIX)]
    trace_keys = [c[len(CASE_PREFIX) :] for c in columns if c.startswith(CASE_PREFIX)]
    wanted_event, wanted_trace = frozenset(event_keys), frozenset(trace_keys)
    # Keyed by column: concept:name (the event's) and case:concept:name (its trace's) differ.
    values: dict[str, list[str]] = {c: [] for c in columns}
    appends = [(key, values[key].append) for key in event_keys]
    lines: list[int] = []
    seen: set[str] = set()
    kinds = _Kinds()
    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    depth = 0  # attribute elements open: more than zero inside one means a nested attribute
    event: dict[str, str] | None = None
    trace: dict[str, str] | None = None
    first = 0

    def start(name: str, attributes: list[str]) -> None:
        nonlocal depth, event, trace, first
        kind = kinds[name]
        if kind == _ATTRIBUTE:
            if depth == 0:
                if len(attributes) == 4 and attributes[0] == "key" and attributes[2] == "value":
                    key, value = attributes[1], attributes[3]
                else:
                    key, value = _key_value(attributes)
                if event is not None:
                    if key in wanted_event:
                        event[key] = value
                elif trace is not None and key in wanted_trace:
                    trace[key] = value
            depth += 1
        elif kind == _NESTED:
            depth += 1
        elif depth == 0 and kind == _EVENT and trace is not None:
            event = {}
            lines.append(parser.CurrentLineNumber)
        elif depth == 0 and kind == _TRACE:
            trace, first = {}, len(lines)

    def end(name: str) -> None:
        nonlocal depth, event, trace
        kind = kinds[name]
        if kind == _ATTRIBUTE or kind == _NESTED:
            depth -= 1
        elif kind == _EVENT and event is not None and depth == 0:
            seen.update(event)
            get = event.get
            for key, append in appends:
                append(get(key, ""))
            event = None
        elif kind == _TRACE and trace is not None and depth == 0:
            events = len(lines) - first
            seen.update(CASE_PREFIX + key for key in trace)
            for key in trace_keys:
                values[CASE_PREFIX + key].extend([trace.get(key, "")] * events)
            trace = None

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = _refuse_entities
    return parser, values, lines, seen


def read_xes(path: Path, *, columns: Collection[str]) -> SourceTable:
    """Read the events of an XES log, keeping the attributes named in ``columns``.

    Parameters
    ----------
    path : Path
        The log, ``.xes`` or gzip-compressed.
    columns : collection of str
        Event attribute keys (``concept:name``) and trace attribute keys with
        the ``case:`` prefix (``case:concept:name``). A column that no event
        or trace has is left out of the frame.

    Raises
    ------
    InputError
        A file that is not well-formed XML (naming the line), or declares entities.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "log.xes"
    >>> _ = path.write_text('''<log xes.version="1.0">
    ...  <trace><string key="concept:name" value="case-1"/>
    ...   <event><string key="concept:name" value="Register"/></event>
    ...   <event><string key="concept:name" value="Decide"/></event>
    ...  </trace>
    ... </log>''')
    >>> read_xes(path, columns=["case:concept:name", "concept:name"]).frame.values.tolist()
    [['case-1', 'Register', 3], ['case-1', 'Decide', 4]]
    """
    parser, values, lines, seen = _parser(columns)
    try:
        with open_binary(path) as stream:
            while chunk := stream.read(_CHUNK):
                # expat counts lines itself, so chunks may end anywhere
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        message = expat.ErrorString(error.code)
        raise InputError(f"{path}: not well-formed XML (line {error.lineno}: {message})") from None
    except InputError as error:
        raise InputError(f"{path}: {error}") from None
    except (OSError, EOFError) as error:
        raise InputError(f"{path}: cannot be read ({error})") from None
    names = [c for c in columns if c in seen]
    if not lines:
        raise InputError(f"{path}: no events (is it an XES log?)")
    frame = columns_frame({c: values[c] for c in names}, lines)
    return SourceTable(path=path, frame=frame, encoding="xml")
