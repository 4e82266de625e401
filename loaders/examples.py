"""Example and synthetic POAs: how the store tells them apart from real ones.

Neither kind has a flag of its own in the database; both carry their mark in the área's name,
which is what every page and every export shows:

- the example POAs of other areas in `sample_data/` (`build_examples.py`) are named
  "Desarrollo Social (EJEMPLO)", "Obras Públicas (EJEMPLO)"…;
- the synthetic POAs of `python -m loaders synth` (`loaders.synth.synthetic_area`) end in
  "(SINTÉTICO)".

Such data never enters a real aggregate (municipal and state figures, open data) unless the user
asks for it (see DESIGN.md, «Example and synthetic data»).
"""

from __future__ import annotations

import re

from loaders.text import fold

# "(EJEMPLO)", "(ejemplo)", "(Sintético)", "(SINTETICO)", "(datos de ejemplo)"… after `fold`.
_MARK = re.compile(r"\(\s*(?:datos\s+(?:de\s+)?)?(?:ejemplos?|sinteticos?)\s*\)")


def is_example(*names: str | None) -> bool:
    """True when any of the names (área, dirección) carries the example or synthetic mark."""
    return any(_MARK.search(fold(name)) for name in names if name)
