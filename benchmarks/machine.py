"""The state of the machine while a benchmark measures: CPU that other processes use, and time the hypervisor
takes (steal).

A read that waits for each answer before it asks the next (libatspi's walk) is bound by wake-up latency; a
pipelined read (ours) by CPU. On a VM the two move apart with the machine's state: an idle vCPU halts, and
waking it costs a trip through the hypervisor, while a busy one switches tasks at once. On a 2-core VM,
`observe.py --apps VLC --busy-loop` (a niced busy loop beside it) against the same without, two runs each:
libatspi's walk after Ctrl+L 91-94 ms against 127-255 ms, our read 53-55 ms against 36-41 ms, one call at a
time to VLC 258-289 us against 448-554 us; the speedup 1.6-1.7x against 3.5-6.3x. The two quiet runs differ
as much, with no other process busy: the host moves the walk too, and the round trip follows it (448 us in the
run whose walk took 127 ms, 554 us in the one at 255 ms). These numbers let a reader tell a ratio measured on a
quiet machine from one that was not.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field


def _cpu_jiffies() -> tuple[int, int, int]:
    """(busy, steal, total) clock ticks of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq, steal, sum(fields[:8])


def _own_jiffies() -> int:
    """Clock ticks this process (all its threads) ran since it started."""
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


@dataclass
class CpuShare:
    """CPU used between `start()` and `stop()`, in percent of one core: by every process but this one, and
    taken by the hypervisor from this VM (steal)."""

    others_pct: float = 0.0
    steal_pct: float = 0.0
    started: tuple[tuple[int, int, int], int] = field(default=((0, 0, 0), 0), repr=False)  # the ticks at start()

    def start(self) -> "CpuShare":
        self.started = (_cpu_jiffies(), _own_jiffies())
        return self

    def stop(self) -> "CpuShare":
        (busy0, steal0, total0), own0 = self.started
        (busy1, steal1, total1), own1 = _cpu_jiffies(), _own_jiffies()
        cores = os.cpu_count() or 1
        elapsed = max(total1 - total0, 1) / cores  # ticks of one core
        self.others_pct = max(0.0, 100.0 * ((busy1 - busy0) - (own1 - own0)) / elapsed)
        self.steal_pct = 100.0 * (steal1 - steal0) / elapsed
        return self


def wait_for_quiet(threshold_pct: float = 10.0, window: float = 0.5, deadline: float = 20.0) -> CpuShare:
    """Wait until the other processes use less than `threshold_pct` of one core over a `window` (a closed app's
    helpers winding down, a launch's indexing); at most `deadline` seconds. Returns the last window's share."""
    end = time.monotonic() + deadline
    while True:
        share = CpuShare().start()
        time.sleep(window)
        share.stop()
        if share.others_pct < threshold_pct or time.monotonic() >= end:
            return share
