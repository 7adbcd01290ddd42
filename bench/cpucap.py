"""CPU caps for benchmark processes: each worker its own share of a core, as if on its own machine.

Worker scaling is only meaningful when every worker is bound by its own CPU and the shared parts
(Redis, PostgreSQL, the latency server) are not. On a machine with fewer cores than workers that
cannot happen uncapped: four workers time-share two cores. A cap of Q cores per worker (Linux cgroup
CPU quota: `cpu.cfs_quota_us` under cgroup v1's cpu controller, `cpu.max` under v2) makes each
worker a machine of Q cores; with n × Q plus the shared parts below the machine's cores, the pass
measures what n such machines would give. The capped groups also get a high CPU weight, and so does
the shared-services group, so other work on the machine does not take their time.

A group's `cpu.stat` says how often the worker hit its cap (`nr_throttled` of `nr_periods`): the
evidence that it was CPU-bound.
"""

from __future__ import annotations

import os
from pathlib import Path

PERIOD_US = 100_000
V1 = Path("/sys/fs/cgroup/cpu")
V2 = Path("/sys/fs/cgroup")
HIGH_SHARES = 10 * 1024  # v1 cpu.shares (default 1024)
HIGH_WEIGHT = 1000  # v2 cpu.weight (default 100)


class CapError(RuntimeError):
    """The machine gives this process no writable cgroup CPU controller."""


def _hierarchy() -> tuple[Path, bool]:
    """(root directory for our groups, True for cgroup v2)."""
    if (V1 / "cpu.cfs_quota_us").exists() or (V1 / "cpu.shares").exists():
        return V1, False
    controllers = V2 / "cgroup.controllers"
    if controllers.exists() and "cpu" in controllers.read_text().split():
        return V2, True
    raise CapError("no cgroup cpu controller at /sys/fs/cgroup/cpu (v1) or /sys/fs/cgroup (v2)")


class CpuGroups:
    """Named cgroups under one parent for this benchmark; `close` moves their processes out and removes them."""

    def __init__(self, tag: str) -> None:
        self.root, self.v2 = _hierarchy()
        self.parent = self.root / f"xxgk-bench-{tag}-{os.getpid()}"
        try:
            self.parent.mkdir(exist_ok=True)
            # the parent competes with every other process of the machine: its weight first
            if self.v2:
                (self.parent / "cpu.weight").write_text(str(HIGH_WEIGHT))
                (self.parent / "cgroup.subtree_control").write_text("+cpu")
            else:
                (self.parent / "cpu.shares").write_text(str(HIGH_SHARES))
        except OSError as exc:
            raise CapError(f"cannot create a CPU cgroup at {self.parent}: {exc.strerror} (run as root)") from exc
        self.groups: dict[str, Path] = {}

    def group(self, name: str, cores: float | None) -> Path:
        """A child group limited to `cores` (None: no limit), with a high CPU weight."""
        path = self.parent / name
        path.mkdir(exist_ok=True)
        if self.v2:
            (path / "cpu.weight").write_text(str(HIGH_WEIGHT))
            (path / "cpu.max").write_text(f"{int(cores * PERIOD_US)} {PERIOD_US}" if cores else f"max {PERIOD_US}")
        else:
            (path / "cpu.shares").write_text(str(HIGH_SHARES))
            (path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (path / "cpu.cfs_quota_us").write_text(str(int(cores * PERIOD_US)) if cores else "-1")
        self.groups[name] = path
        return path

    def place(self, name: str, pid: int) -> None:
        """Move process `pid` (its later children follow it) into group `name`."""
        try:
            (self.groups[name] / "cgroup.procs").write_text(str(pid))
        except ProcessLookupError:
            pass  # it already ended

    def throttled(self, name: str) -> tuple[int, int]:
        """(periods the group ran in, periods it was held at its cap)."""
        stat = dict(line.split()[:2] for line in (self.groups[name] / "cpu.stat").read_text().splitlines()
                    if line.strip())
        return int(stat.get("nr_periods", 0)), int(stat.get("nr_throttled", 0))

    def close(self) -> None:
        """Move every process left in the groups back to the root group and remove the groups."""
        for path in [*self.groups.values(), self.parent]:
            procs = path / "cgroup.procs"
            if procs.exists():
                for pid in procs.read_text().split():
                    try:
                        (self.root / "cgroup.procs").write_text(pid)
                    except OSError:
                        pass
        for path in [*self.groups.values(), self.parent]:
            try:
                path.rmdir()
            except OSError:
                pass

    def __enter__(self) -> CpuGroups:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["CapError", "CpuGroups"]
