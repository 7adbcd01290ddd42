"""JSON text of findings' cells: exactly `json.dumps(value)`, with its C encoder built once.

Scoring encodes three JSON cells per finding (evidence, matched, details), 150 a site. `json.dumps`
builds the standard library's C encoder anew on every call, about a third of a call's time; here it is
built once, with `json.dumps`'s defaults (ASCII escapes, ", " and ": " separators, NaN allowed), and
empty lists and dicts — most details cells — are written without a call at all. The stored text does
not change by a byte (a test compares it with `json.dumps`).
"""

from __future__ import annotations

import json
from json.encoder import JSONEncoder, c_make_encoder, encode_basestring_ascii
from typing import Any

_DEFAULT = JSONEncoder()  # json.dumps's own settings
# markers None: no circular-reference bookkeeping (findings are trees; a cycle would still fail)
_ENCODE = (c_make_encoder(None, _DEFAULT.default, encode_basestring_ascii, None, _DEFAULT.key_separator,
                          _DEFAULT.item_separator, False, False, True) if c_make_encoder is not None else None)


def dumps(value: Any) -> str:
    """`json.dumps(value)`, byte for byte."""
    cls = type(value)
    if cls is dict and not value:
        return "{}"
    if cls is list and not value:
        return "[]"
    if _ENCODE is None:
        return json.dumps(value)
    if cls is str:
        return encode_basestring_ascii(value)
    return "".join(_ENCODE(value, 0))
