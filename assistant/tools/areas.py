"""Area names: one canonical form per council.

The canonical form is the place name without "Council" / "County Council", keeping
"City" where a city shares its name with a county:

    "Leicester City Council", "Leicester", "the city"          -> "Leicester City"
    "Leicestershire County Council", "Leicestershire", "the county" -> "Leicestershire"

``find_areas`` never reads "Leicestershire" as Leicester, nor "Leicester City" as
Leicestershire. Other councils keep their own name, minus the council suffix.
"""

from __future__ import annotations

import re

LEICESTER_CITY = "Leicester City"
LEICESTERSHIRE = "Leicestershire"

# Alias regexes per canonical area; matched case-insensitively as whole words.
_ALIASES: dict[str, tuple[str, ...]] = {
    LEICESTER_CITY: (
        r"leicester\s+city(?:\s+council)?",
        r"city\s+of\s+leicester",
        r"leicester(?!\s*shire)(?![\w-])",
        r"the\s+city(?:\s+council)?",
    ),
    LEICESTERSHIRE: (
        r"leicestershire(?:\s+county\s+council)?",
        r"leics\.?",
        r"the\s+county(?:\s+council)?",
    ),
}
_FIND = re.compile(
    "|".join(
        f"(?P<a{i}>(?<![\\w-])(?:{'|'.join(aliases)})(?![\\w-]))" for i, aliases in enumerate(_ALIASES.values())
    ),
    re.IGNORECASE,
)
_NAMES = tuple(_ALIASES)
_SUFFIX = re.compile(r"\s+(?:county\s+borough|city|county|borough|district)?\s*council$", re.IGNORECASE)


def find_areas(text: str) -> list[str]:
    """Canonical areas named in ``text``, in order of first mention, without repeats."""
    found: list[str] = []
    for match in _FIND.finditer(text or ""):
        index = int(match.lastgroup[1:])  # type: ignore[index]
        name = _NAMES[index]
        if name not in found:
            found.append(name)
    return found


def canonical_area(name: str | None) -> str | None:
    """The canonical form of an area or council name; None for an empty name."""
    value = " ".join((name or "").split())
    if not value:
        return None
    for canonical, aliases in _ALIASES.items():
        if any(re.fullmatch(alias, value, re.IGNORECASE) for alias in aliases):
            return canonical
    areas = find_areas(value)
    if len(areas) == 1:
        return areas[0]
    return _SUFFIX.sub("", value) or value
