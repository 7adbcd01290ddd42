"""findings.csv's rows written a batch of sites at a time by whichever process reads that batch.

The site pages read every finding of the run a batch of sites at a time (reports.finding_rows), in
forked workers when the run is large; findings.csv needs the same rows. So the reader of a batch also
writes its findings.csv rows (no header) to one part file per batch, and the CSV format joins the
parts in batch order under the header, reading from the store only a batch no page read. The parts
are the bytes `reports.cells.write_csv_batches` writes for those batches, so the file is the same.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from reports.cells import safe_frame

CHUNK = 1 << 20  # bytes copied at a time when joining the parts


class CsvParts:
    """A temporary folder of findings.csv row parts, one per batch number (removed by `close`)."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.folder = Path(tempfile.mkdtemp(prefix="xxgk-findings-"))

    def path(self, number: int) -> Path:
        return self.folder / f"{number:07d}.csv"

    def write(self, number: int, frame: pd.DataFrame) -> None:
        """Batch `number`'s rows, written under a name of this process and renamed into place, so two
        workers reading the same batch never leave a half-written part."""
        if self.path(number).exists():
            return
        partial = self.folder / f".{number}.{os.getpid()}"
        with partial.open("w", encoding="utf-8", newline="") as out:
            safe_frame(frame[self.columns]).to_csv(out, index=False, header=False)
        os.replace(partial, self.path(number))

    def join(self, count: int, header: list[str], read: Callable[[int], pd.DataFrame], path: Path) -> Path:
        """findings.csv: BOM, `header`, then the rows of batches 0..count-1, from their part when one was
        written, else `read(number)`'s frame (then written here)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            out.write(pd.DataFrame(columns=header).to_csv(index=False).encode("utf-8-sig"))
            for number in range(count):
                if not self.path(number).exists():
                    self.write(number, read(number))
                with self.path(number).open("rb") as part:
                    shutil.copyfileobj(part, out, CHUNK)
        return path

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
