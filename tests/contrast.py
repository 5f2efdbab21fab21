"""The colour pairs of a style sheet (Qt's or a web page's), found from its rules, for contrast tests.

A rule giving both a text colour and a background is one pair. A text colour alone is checked
against the background of the rules its selector sits inside (`header a` → `header`, or that
element in any state: `QFrame#Bar[kind="error"]`), or, when
none gives one, against every surface of the same lightness side the sheet paints (a dark text
against every light background, a light text against every dark one): stricter than the page
itself, never more lenient. A background alone is checked against the text colours given to the
same element (`:hover`, `:pressed` and other states keep the element's text colour).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qt_common.theme import contrast_ratio

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*\)")
_STATE = re.compile(r":{1,2}[\w-]+(?:\([^)]*\))?")
_NAMED = {"white": "#ffffff", "black": "#000000"}


@dataclass(frozen=True)
class Rule:
    selector: str
    colour: str | None
    background: str | None


@dataclass(frozen=True)
class Pair:
    where: str
    text: str
    background: str

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.text, self.background)


def _full_hex(value: str) -> str:
    value = value.lower()
    return "#" + "".join(ch * 2 for ch in value[1:]) if len(value) == 4 else value


def _colour(value: str, variables: dict[str, str]) -> str | None:
    value = _VAR.sub(lambda match: variables.get(match.group(1), "transparent"), value.strip())
    if value.lower() in _NAMED:
        return _NAMED[value.lower()]
    found = _HEX.search(value)
    return _full_hex(found.group(0)) if found else None


def rules_of(sheet: str) -> list[Rule]:
    """Every (selector, text colour, background) of `sheet`, custom properties resolved."""
    sheet = _COMMENT.sub("", sheet)
    variables: dict[str, str] = {}
    for selector, body in _RULE.findall(sheet):
        if selector.strip() == ":root":
            for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+)", body):
                variables[name] = value.strip()
    rules = []
    for selector, body in _RULE.findall(sheet):
        declarations = {}
        for declaration in body.split(";"):
            name, _, value = declaration.partition(":")
            declarations[name.strip().lower()] = value
        colour = _colour(declarations["color"], variables) if "color" in declarations else None
        background_value = declarations.get("background-color", declarations.get("background"))
        background = _colour(background_value, variables) if background_value is not None else None
        for part in selector.split(","):
            part = " ".join(part.split())
            if part and not part.startswith("@") and part != ":root" and (colour or background):
                rules.append(Rule(part, colour, background))
    return rules


def _luminous(colour: str) -> bool:
    return contrast_ratio(colour, "#000000") > contrast_ratio(colour, "#ffffff")


def _bare(compound: str) -> str:
    return _STATE.sub("", compound)


def pairs_of(sheet: str, name: str) -> list[Pair]:
    """Every text/background pair `sheet` can put on screen, by the rules in the module docstring."""
    rules = rules_of(sheet)
    backgrounds = [rule for rule in rules if rule.background]
    surfaces = {rule.background for rule in backgrounds if rule.background}
    pairs: list[Pair] = []
    for rule in rules:
        where = f"{name}: {rule.selector}"
        if rule.colour and rule.background:
            pairs.append(Pair(where, rule.colour, rule.background))
        elif rule.colour:
            compounds = rule.selector.split(" ")
            around: list[str] = []
            for cut in range(len(compounds) - 1, 0, -1):
                ancestor = _bare(" ".join(compounds[:cut]))
                around = [
                    r.background for r in backgrounds
                    if r.background and _bare(r.selector).startswith(ancestor) and r.selector.count(" ") == cut - 1
                ]
                if around:
                    break
            if not around:
                light = _luminous(rule.colour)
                around = [surface for surface in surfaces if _luminous(surface) != light]
            pairs += [Pair(f"{where} on {background}", rule.colour, background) for background in sorted(set(around))]
        elif rule.background:
            # The element's own text colour: from its plain rule or from a rule of the same state.
            element = _bare(rule.selector.split(" ")[-1])
            texts = {
                r.colour for r in rules
                if r.colour and _bare(r.selector.split(" ")[-1]) == element
                and (r.selector == rule.selector or r.selector.split(" ")[-1] == element)
            }
            pairs += [Pair(f"{where} under {text}", text, rule.background) for text in sorted(texts)]
    return pairs


def failing(pairs: list[Pair], minimum: float = 4.5) -> list[str]:
    """The pairs below `minimum`, each with its ratio: an empty list is a pass."""
    return [f"{pair.where}: {pair.text} on {pair.background} is {pair.ratio:.2f}:1" for pair in pairs if pair.ratio < minimum]
