"""Job descriptions as YAML.

The layout::

    title: Automotive maintenance instructor
    purpose: |
      Teach apprentices to service and repair cars safely.
    responsibilities:            # numbered 1, 2, ... by position
      - text: Teach workshop and classroom lessons
        share: 60                # percent of working time (optional); they total 100
      - Assess apprentices' practical work (40%)     # short form: "text (share%)"
    competencies:
      - name: Vehicle diagnostics
        required: 4              # 1 to 5
        description: Finds the cause of a fault systematically.
        anchors:                 # what levels 1 to 5 look like; any of them
          1: Follows a fault chart with help
          5: Designs diagnostic exercises and coaches other instructors
    source: demo

``purpose``, ``competencies``, ``description``, ``anchors``, ``source`` and
each ``share`` are optional (a share left out, or ``null``, is not set yet: 0). A responsibility may give its ``number``; numbers must run 1, 2, 3, ...

Safety: the text is first scanned as a stream of parser events. Anchors and
aliases (``&name``, ``*name``) are refused, which rules out "billion laughs"
documents, as are nesting deeper than :data:`MAX_DEPTH` and more than
:data:`MAX_EVENTS` events; only then is it loaded with PyYAML's safe loader
(the same steps as :func:`yaml.safe_load`, keeping the nodes for line numbers;
libyaml's ``CSafeLoader`` when available).
Places in errors are YAML paths counted from 1 with the line, for example
``responsibilities[2].share, line 9``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from ...domain.model import JobDescription
from ..errors import ImportFailed, show
from .fields import Draft, as_int, as_share, as_text, split_share

#: Deepest nesting of lists and mappings accepted (a job description needs 4).
MAX_DEPTH = 20
#: Most parser events (roughly: values) accepted in one file.
MAX_EVENTS = 50_000

#: Longest plain number read (PyYAML refuses integers over 4,300 digits with a ValueError).
MAX_DIGITS = 100
_LONG_NUMBER = re.compile(r"[-+]?[0-9][0-9_]*")

#: libyaml's safe loader when PyYAML was built with it (much faster), else PyYAML's own.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TOP_KEYS = ("title", "purpose", "responsibilities", "competencies", "source")
_RESPONSIBILITY_KEYS = ("text", "share", "number")
_COMPETENCY_KEYS = ("name", "required", "description", "anchors")

Path_ = tuple[str | int, ...]


def parse_yaml(file: str, text: str) -> JobDescription:
    """Read a job description from YAML text.

    Raises
    ------
    ImportFailed
        For unsafe or malformed YAML and for a job description that breaks a rule.
    """
    _guard(file, text)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _yaml_error(file, text, exc) from None
    except ValueError:  # a value PyYAML could not convert; _guard catches the known ones
        raise ImportFailed(file, "-", "a value in the file cannot be read") from None
    finally:
        loader.dispose()
    if data is None or node is None:
        raise ImportFailed(file, "-", "the file is empty (nothing but comments)")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise ImportFailed(
            file,
            "line 1",
            f"the top level is {kind}: it must be a mapping of keys such as 'title:'"
            " and 'responsibilities:'",
        )
    return _Reader(file, node, data).read()


def _guard(file: str, text: str) -> None:
    """Refuse aliases, anchors, deep nesting and huge documents before loading."""
    depth = 0
    events = 0
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            events += 1
            mark = event.start_mark
            line = f"line {mark.line + 1}" if mark is not None else "-"
            if events > MAX_EVENTS:
                raise ImportFailed(
                    file, line, f"the file holds too many values (over {MAX_EVENTS:,})"
                )
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ImportFailed(
                    file,
                    line,
                    "aliases are not allowed: YAML anchors and aliases (&name, *name)"
                    " could blow up the file; write each value out in full",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ImportFailed(
                        file, line, f"nested too deeply (more than {MAX_DEPTH} levels)"
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif (
                isinstance(event, yaml.ScalarEvent)
                and not event.style  # plain: None from PyYAML, '' from libyaml
                and len(event.value) > MAX_DIGITS
                and _LONG_NUMBER.fullmatch(event.value)
            ):
                raise ImportFailed(
                    file,
                    line,
                    f"the number {show(event.value)} has {len(event.value):,} digits:"
                    " a share or a level is a small whole number",
                )
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ImportFailed(
                        file,
                        line,
                        "the file holds more than one YAML document ('---'): keep one",
                    )
    except yaml.YAMLError as exc:
        raise _yaml_error(file, text, exc) from None


def _yaml_error(file: str, text: str, exc: yaml.YAMLError) -> ImportFailed:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark is not None else "-"
        problem = show(exc.problem or exc.context or "cannot be read", 200).strip("'")
        if "nesting depth" in problem:  # libyaml's own limit, reached while scanning ahead
            return ImportFailed(file, where, f"nested too deeply (more than {MAX_DEPTH} levels)")
        return ImportFailed(file, where, f"not valid YAML: {problem}")
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        char = exc.character
        code = ord(char) if isinstance(char, str) and len(char) == 1 else char
        shown = f" #x{code:04x}" if isinstance(code, int) else ""
        return ImportFailed(
            file, f"line {line}", f"not valid YAML: the character{shown} is not allowed"
        )
    return ImportFailed(file, "-", "not valid YAML")


def _index(file: str, node: yaml.Node, path: Path_, out: dict[Path_, yaml.Node]) -> None:
    """Map each path (keys as written, list positions from 0) to its node."""
    out[path] = node
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            where = f"line {key_node.start_mark.line + 1}"
            if not isinstance(key_node, yaml.ScalarNode):
                raise ImportFailed(file, where, "keys must be plain words, like 'title:'")
            key = str(key_node.value)
            if key in seen:
                raise ImportFailed(file, where, f"the key {show(key)} appears twice")
            seen.add(key)
            _index(file, value_node, (*path, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(file, item, (*path, i), out)


def _is_short_form(item: dict[Any, Any]) -> bool:
    """``- Diagnostics: 4``: one key that is not a field name, with a number."""
    if len(item) != 1:
        return False
    ((key, value),) = item.items()
    if str(key) in _COMPETENCY_KEYS:
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit())


class _Reader:
    def __init__(self, file: str, root: yaml.Node, data: dict[Any, Any]) -> None:
        self.draft = Draft(file)
        self.nodes: dict[Path_, yaml.Node] = {}
        _index(file, root, (), self.nodes)
        self.data = data

    def where(self, path: Path_) -> str:
        """``responsibilities[2].share, line 9`` for a path (positions counted from 1)."""
        parts: list[str] = []
        for p in path:
            if isinstance(p, int):
                parts.append(f"[{p + 1}]")
            else:
                parts.append(("." if parts else "") + (p if len(p) <= 40 else p[:39] + "…"))
        spot = "".join(parts) or "-"
        for end in range(len(path), 0, -1):  # a missing key: the line of what holds it
            node = self.nodes.get(path[:end])
            if node is not None:
                return f"{spot}, line {node.start_mark.line + 1}"
        return spot

    def text(self, value: Any, path: Path_, label: str, *, required: bool = False) -> str:
        node = self.nodes.get(path)
        if value is not None and not isinstance(value, str) and isinstance(node, yaml.ScalarNode):
            value = node.value  # 1984, yes, 2024-01-01: text as written
        with self.draft.at(self.where(path)):
            return as_text(value, label, required=required)

    def check_keys(self, mapping: dict[Any, Any], allowed: tuple[str, ...], path: Path_) -> None:
        for key in mapping:
            if str(key) not in allowed:
                self.draft.fail(
                    self.where((*path, str(key))),
                    f"unknown key {show(str(key))}: use {', '.join(allowed)}",
                )

    def read(self) -> JobDescription:
        data, draft = self.data, self.draft
        self.check_keys(data, _TOP_KEYS, ())
        for key in ("title", "purpose", "source"):
            draft.places[(key,)] = self.where((key,))
            if key in data:
                label = "the job title" if key == "title" else f"the {key}"
                draft.fields[key] = self.text(data[key], (key,), label, required=key == "title")
        self.each("responsibilities", "one '- text: ...' entry each", self.responsibility)
        self.each("competencies", "one '- name: ...' entry each", self.competency)
        return draft.finish()

    def each(self, key: str, entry: str, read: Callable[[int, Any], None]) -> None:
        """Read each item of the list under ``key``, if there is one, with ``read``."""
        self.draft.places[(key,)] = self.where((key,))
        items = self.data.get(key)
        if items is not None and not isinstance(items, list):
            self.draft.fail(self.where((key,)), f"{key} must be a list: {entry}")
        for i, item in enumerate(items or ()):
            read(i, item)

    def responsibility(self, i: int, item: Any) -> None:
        path: Path_ = ("responsibilities", i)
        self.draft.places[path] = self.where(path)
        raw: dict[str, Any] = {}
        if isinstance(item, str):
            with self.draft.at(self.where(path)):
                text, share = split_share(item)
                raw = {"text": text}
                given = as_share(share)
                if given is not None:
                    raw["share"] = given
        elif isinstance(item, dict):
            self.check_keys(item, _RESPONSIBILITY_KEYS, path)
            raw["text"] = self.text(
                item.get("text"), (*path, "text"), "the responsibility text", required=True
            )
            for key in ("share", "number"):
                self.draft.places[(*path, key)] = self.where((*path, key))
            with self.draft.at(self.where((*path, "share"))):
                value = as_share(item.get("share"))  # missing or null: not set yet
            if value is not None:
                raw["share"] = value
            if "number" in item:
                with self.draft.at(self.where((*path, "number"))):
                    raw["number"] = as_int(item.get("number"), "the number")
        else:
            self.draft.fail(
                self.where(path),
                "a responsibility must be text, like 'Teach lessons (30%)', or have text and"
                f" share, not {show(item)}",
            )
        self.draft.responsibilities.append(raw)

    def competency(self, i: int, item: Any) -> None:
        path: Path_ = ("competencies", i)
        self.draft.places[path] = self.where(path)
        raw: dict[str, Any] = {}
        if isinstance(item, str):
            name, sep, level = item.rpartition(":")
            if not sep:
                self.draft.fail(
                    self.where(path),
                    "a competency needs a name and a required level, like"
                    " 'name: Diagnostics' and 'required: 4'",
                )
            with self.draft.at(self.where(path)):
                raw = {"name": name, "required": as_int(level, "the required level")}
        elif isinstance(item, dict) and _is_short_form(item):
            ((name, level),) = item.items()
            raw["name"] = self.text(name, path, "the competency name", required=True)
            with self.draft.at(self.where((*path, str(name)))):
                raw["required"] = as_int(level, "the required level")
        elif isinstance(item, dict):
            self.check_keys(item, _COMPETENCY_KEYS, path)
            raw["name"] = self.text(
                item.get("name"), (*path, "name"), "the competency name", required=True
            )
            self.draft.places[(*path, "required")] = self.where((*path, "required"))
            with self.draft.at(self.where((*path, "required"))):
                raw["required"] = as_int(item.get("required"), "the required level")
            if "description" in item:
                raw["description"] = self.text(
                    item["description"], (*path, "description"), "the description"
                )
            if item.get("anchors") is not None:
                raw["anchors"] = self.anchors(item["anchors"], (*path, "anchors"))
        else:
            self.draft.fail(
                self.where(path),
                f"a competency must have a name and a required level, not {show(item)}",
            )
        self.draft.competencies.append(raw)

    def anchors(self, anchors: Any, path: Path_) -> dict[int, str]:
        self.draft.places[path] = self.where(path)
        if not isinstance(anchors, dict):
            self.draft.fail(
                self.where(path), "anchors must map levels to text, like '1: Needs help'"
            )
        out: dict[int, str] = {}
        for key, value in anchors.items():
            here = (*path, str(key))
            with self.draft.at(self.where(here)):
                level = as_int(key, "an anchor level")
            self.draft.places[(*path[:-1], "anchors", level)] = self.where(here)
            out[level] = self.text(value, here, f"the anchor for level {level}")
        return out


# --- writing -------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Safe YAML, lists indented under their key, text with line breaks as blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


# YAML 1.1 line breaks other than \n (and the BOM) survive only escaped, in double quotes
_ODD_BREAKS = re.compile("[\x85\u2028\u2029\ufeff]")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if _ODD_BREAKS.search(data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_str(data)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(jd: JobDescription) -> bytes:
    """The job description as UTF-8 YAML, in the layout :func:`parse_yaml` reads."""
    doc: dict[str, Any] = {"title": jd.title}
    if jd.purpose:
        doc["purpose"] = jd.purpose
    doc["responsibilities"] = [{"text": r.text, "share": r.share} for r in jd.responsibilities]
    if jd.competencies:
        competencies = []
        for c in jd.competencies:
            item: dict[str, Any] = {"name": c.name, "required": c.required}
            if c.description:
                item["description"] = c.description
            if c.anchors:
                item["anchors"] = {level: c.anchors[level] for level in sorted(c.anchors)}
            competencies.append(item)
        doc["competencies"] = competencies
    if jd.source:
        doc["source"] = jd.source
    text = yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return text.encode("utf-8")
