"""The 通报: an issuable bulletin of a run, for every rubric kind (see `document.build`).

`monthly` reads the monthly-volume tables; `kinds` picks the wording; `sender` resolves who issues
it; `document` builds the content; `docx` lays it out in GB/T 9704 公文 format; `fonts` says which
公文 fonts the PDF can use.
"""

from reports.bulletin.monthly import SiteBulletin, UnitRow, collect, parse_units, sentences

__all__ = ["SiteBulletin", "UnitRow", "collect", "parse_units", "sentences"]
