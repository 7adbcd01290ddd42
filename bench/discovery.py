"""Discovery cost: pages the crawl fetches per page that holds a column or an item, on the v3 world.

Broader discovery (columns found by what pages are, not by template names) must not turn into crawling
everything: the target is at most 1.2 pages fetched per page that holds a column or an item, per site.
Audits the v3 sets (dev, probe, heldout, heldout2) with `xxgk audit` and prints, per portal, the pages fetched and
the truth's pages holding columns or items (home, portal, every list page, every item page), beside the
extraction figures. `make bench` runs it; figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the measurement lives with the e2e tests

from tests.e2e.heldout import measure, table  # noqa: E402

TARGET = 1.2


def main() -> int:
    worst = 0.0
    for set_name in ("dev", "probe", "heldout", "heldout2"):
        with tempfile.TemporaryDirectory(prefix=f"xxgk-bench-{set_name}-") as tmp:
            figures = measure(set_name, Path(tmp))
        print(f"v3 set {set_name}\n\n{table(figures)}\n")
        worst = max([worst, *(f.fetch_ratio for f in figures)])
    print(f"worst pages fetched per page holding columns or items: {worst:.2f} (target ≤ {TARGET})")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
