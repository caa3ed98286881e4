"""Observation speed per app: our observation vs a libatspi walk (the pyatspi route), raw mss, and step latency.

Everything runs in this one process on one private desktop that the apps take turns on, so libatspi (which
binds to one accessibility bus for the life of the process) and our reader see the same bus and the same app.
Apps that show documents open one built at test time (a PDF, a PNG, an .ods, an .odt, a WAV), as users run them.
For every app, medians over --runs samples (after an input: the mean of the medians of the odd and the even
samples, as toggling probes alternate two trees; `two_state_median`) of:
  observe   our observation right after an action: an XTEST input (the app's probe below: a click, a typed
            key, a key that toggles a pane), the screen and bus left to go quiet, then UbuntuBackend.observe():
            screenshot + every visible element with role, name, description, states, extents in screen pixels
            and text of text widgets. The nodes the app announced as changed are read again, or every node
            after a change of structure (changes.py); extents and text where something was drawn (damage.py;
            on LibreOffice, where pixels changed: screen.changed_tiles) or an event named the node
  full      the same with every node, extent and text read again (no memo of the last read)
  still     the same on a still screen: nothing drawn and no AT-SPI event since the last observation, so the
            last one is returned as it is (its screenshot is read-only)
  libatspi  the same fields through PyGObject's Atspi, walking the same on-screen subtrees (SHOWING; GTK4:
            VISIBLE or SHOWING) with our reader's rule for nodes that manage their descendants (a spreadsheet's
            visible cells; the children of other such nodes, as Qt's item views, when few), its cache cleared
            before each walk; timed on the same inputs as `observe`, the two reading in turns after each
            (`in_turns`: the machine's latency of the moment weighs on both), and, as `libatspi_still`, in turns
            with `full` on the still screen
  mss       a raw mss grab of the screen (the floor for any screenshot)
  step      the probe input until our observation reflects it
  env_step  a full env.step() of the same input, settling included
  machine   the state the `observe`/`libatspi` series ran in, which moves the walk far more than our read
            (benchmarks/machine.py: a busy loop beside them, --busy-loop, made VLC's walk up to 2.7x faster and
            our read ~40% slower): one GetState on the app's root at a time, before and after the series (the
            walk is made of such calls); the CPU other processes used just before it (the series waits up to
            20 s for it to fall under 10% of a core); and the hypervisor's steal during it
The last line is one JSON object: <app>_observe_ms, <app>_observe_full_ms, <app>_observe_still_ms,
<app>_libatspi_ms, <app>_libatspi_still_ms, <app>_speedup (libatspi / observe, both after the input),
<app>_speedup_full (libatspi_still / full, both on the still screen), <app>_mss_ms, <app>_elements,
<app>_step_ms, <app>_env_step_ms, <app>_round_trip_us, <app>_others_before_pct, <app>_steal_pct.
Usage: python benchmarks/observe.py [--runs 30] [--apps Calculator TextEditor ...] [--busy-loop]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from typing import Callable

import autoplay_gym  # noqa: F401
from autoplay_gym.core.env import AppEnv
from autoplay_gym.envs.ubuntu.apps import UBUNTU_APPS, UbuntuApp
from autoplay_gym.envs.ubuntu.backend import UbuntuBackend
from autoplay_gym.envs.ubuntu.session import Desktop

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine import CpuShare, wait_for_quiet  # noqa: E402 - this directory's scripts are not a package

STEP_PROBES: dict[str, Callable[[AppEnv], tuple[dict, Callable[[AppEnv], str]]] | None] = {}


def probe(name: str):
    def register(fn):
        STEP_PROBES[name] = fn
        return fn

    return register


@probe("Calculator")
def _calculator_probe(env: AppEnv):
    """Click the '7' button; the display's text grows by one digit."""
    seven = next(e for e in env.tree if e.role == "push button" and e.text == "7")
    return {"type": "click", "element": seven.id}, lambda e: "|".join(x.text for x in e.tree if x.role == "text")


def _typing_probe(env: AppEnv):
    """Type one character into the focused editable widget; its text grows."""
    return {"type": "type", "text": "x"}, lambda e: "|".join(x.text for x in e.tree if x.editable)


def _whole_tree(env: AppEnv) -> str:
    return env.tree.content_hash()


def _key_probe(*keys: str):
    """Press a key that toggles a pane (or adds a slide): every press changes the tree."""
    return lambda env: ({"type": "hotkey", "keys": list(keys)}, _whole_tree)


@probe("Terminal")
def _terminal_probe(env: AppEnv):
    """Type one character at the shell prompt; the terminal's screen text grows."""
    return {"type": "type", "text": "x"}, lambda e: "|".join(x.text for x in e.tree if x.role == "terminal")


@probe("LibreOfficeCalc")
def _calc_probe(env: AppEnv):
    """Type one character into the current cell; the cell and the input line grow."""
    return {"type": "type", "text": "x"}, _whole_tree


for _name, _keys in {
    "Files": ("ctrl", "h"),  # hidden files
    "ImageViewer": ("F9",),  # side pane
    "GIMP": ("Tab",),  # hide / show the docks
    "VLC": ("ctrl", "l"),  # playlist
    "Thunderbird": ("alt",),  # menu bar
    "Chromium": ("ctrl", "shift", "b"),  # bookmarks bar
    "LibreOfficeImpress": ("ctrl", "m"),  # new slide
}.items():
    STEP_PROBES[_name] = _key_probe(*_keys)
STEP_PROBES["DocumentViewer"] = _key_probe("F9")  # side pane


def documents() -> dict[str, dict]:
    """reset() options per app: the document it opens, built at run time (the per-app tests' builders)."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from tests.envs.ubuntu.apps import media

    def opening(name: str, content: bytes | str) -> dict:
        return {"files": {f"Documents/{name}": content}, "open": f"Documents/{name}"}

    return {
        "DocumentViewer": opening("report.pdf", media.pdf(["Quarterly report", "Total shipped: 42 crates"])),
        "ImageViewer": opening("photo.png", media.png()),
        "LibreOfficeCalc": opening("sales.ods", media.ods([["Item", "Qty"], ["Apples", 3], ["Pears", 5]])),
        "LibreOfficeWriter": opening("letter.odt", media.odt(["Dear reader,", "This is a letter."])),
        "VLC": opening("tone.wav", media.wav(seconds=2.0)),
    }


def full_observe(backend: UbuntuBackend) -> object:
    """An observation that reads every node again (no memo of the last read, no reuse of a still screen)."""
    return backend.observe(fresh=True)


def probe_input(env: AppEnv, action: dict) -> None:
    """Send the probe's input straight through XTEST, as a step would, without observing."""
    backend = env.backend
    assert isinstance(backend, UbuntuBackend)
    if "element" in action:
        backend._input.click(*env.tree[action["element"]].bounds.center)
        return
    backend._input.focus_top_window()  # as env.step does: an earlier app's window may have held the keyboard
    if action["type"] == "hotkey":
        backend._input.press_keys(tuple(action["keys"]))
    else:
        backend._input.type_text(action["text"])


def two_state_median(samples: list[float]) -> float:
    """The mean of the medians of the odd and the even samples. A probe that toggles a pane alternates two
    trees, so a plain median of 15 samples is the edge value between the two clusters (8 of one state, 7 of the
    other) and moved by up to 3x between runs (evince's libatspi walk: 13.0, 21.4, 36.1 ms). For probes that
    do not toggle, both halves measure the same thing."""
    return (statistics.median(samples[0::2]) + statistics.median(samples[1::2])) / 2


def in_turns(reads: tuple[Callable[[], object], Callable[[], object]], runs: int,
             before: Callable[[], None] | None = None) -> tuple[list[float], list[float]]:
    """`runs` samples (ms) of each of two reads, taken in turns at the same moments: after `before()` (an input
    and the wait for quiet), both read, the first of them changing every second sample. A latency-bound walk
    like libatspi's moves with the machine's wake-up latency (VLC's: 110-420 ms in one session, over a
    minute) far more than pipelined reads do; reading in turns puts both in the same conditions, and whatever
    the first reader leaves behind (Qt building the objects of new cells) falls on each side alike. For probes
    that toggle a pane, each state sees both orders."""
    samples: tuple[list[float], list[float]] = ([], [])
    for i in range(runs):
        if before is not None:
            before()
        for k in ((0, 1) if (i // 2) % 2 == 0 else (1, 0)):
            start = time.perf_counter()
            reads[k]()
            samples[k].append((time.perf_counter() - start) * 1000)
    return samples


def after_action_ms(
    env: AppEnv, runs: int, reads: tuple[Callable[[], object], Callable[[], object]]
) -> tuple[float, float]:
    """`two_state_median` of each of two reads right after the probe's input, once the screen and the bus went
    quiet, taken in turns (`in_turns`)."""
    backend = env.backend
    assert isinstance(backend, UbuntuBackend)
    action, _reading = STEP_PROBES.get(backend.app.name, _typing_probe)(env)

    def before() -> None:
        probe_input(env, action)
        backend._settle(time.monotonic())

    first, second = in_turns(reads, runs, before)
    return two_state_median(first), two_state_median(second)


def our_observation(env: AppEnv) -> Callable[[], object]:
    def read() -> object:
        env._snapshot = env.backend.observe()
        return env._snapshot
    return read


def median_ms(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def app_round_trip_us(backend: UbuntuBackend, rounds: int = 100) -> float:
    """Median time (us) of one GetState on the app's root, each asked once the last answered, as a walk asks:
    what bounds libatspi's walk, and what the machine's state moves most (benchmarks/machine.py)."""
    from autoplay_gym.envs.ubuntu.atspi import ACCESSIBLE, ROOT_PATH

    atspi = backend._atspi
    assert atspi is not None
    bus_name = atspi.applications()[0]  # the one app on this desktop

    async def one_at_a_time() -> list[float]:
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            await atspi._call(bus_name, ROOT_PATH, ACCESSIBLE, "GetState")
            samples.append((time.perf_counter() - start) * 1e6)
        return samples

    return statistics.median(atspi.loop.run(one_at_a_time, timeout=30, what="round trips"))


def libatspi_walker(app_name: str) -> Callable[..., int]:
    import gi

    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi, GLib

    from autoplay_gym.envs.ubuntu.atspi import TEXT_ROLES, WALK_CHILD_LIMIT
    from autoplay_gym.envs.ubuntu.quirks import CELL_ADDRESS, CELL_BUDGET, MAX_COLUMNS, column_index
    from autoplay_gym.envs.ubuntu.uncached import TABLE_ROLES

    MANAGES = Atspi.StateType.MANAGES_DESCENDANTS

    def find_app(timeout: float = 15.0):
        deadline = time.monotonic() + timeout
        while True:
            # libatspi learns of newly registered apps from registry events, handled in GLib's main context
            while GLib.MainContext.default().iteration(False):
                pass
            desktop = Atspi.get_desktop(0)
            for i in range(desktop.get_child_count()):
                app = desktop.get_child_at_index(i)
                if app is not None and app.get_name() == app_name:
                    return app
            if time.monotonic() > deadline:
                raise RuntimeError(f"libatspi does not see {app_name} after {timeout:.0f} s")
            time.sleep(0.05)

    def visible_cells(table) -> int:
        """What our reader does for a 2^34-cell sheet: the visible cells, up to the same budget."""
        x, y, w, h = (lambda r: (r.x, r.y, r.width, r.height))(
            table.get_component_iface().get_extents(Atspi.CoordType.SCREEN)
        )
        corners = []
        for px, py in ((x + 1, y + 1), (x + w - 2, y + h - 2)):
            cell = table.get_component_iface().get_accessible_at_point(px, py, Atspi.CoordType.SCREEN)
            match = CELL_ADDRESS.match(cell.get_name()) if cell is not None else None
            if match is None:
                return 0
            corners.append((int(match.group(2)) - 1, column_index(match.group(1))))
        (top, left), (bottom, right) = corners
        columns = range(left, min(right + 1, left + MAX_COLUMNS))
        rows = range(top, bottom + 1)[: max(1, CELL_BUDGET // len(columns))]
        iface = table.get_table_iface()
        for row in rows:
            for column in columns:
                cell = iface.get_accessible_at(row, column)
                cell.get_text_iface().get_text(0, -1)
                cell.get_component_iface().get_extents(Atspi.CoordType.SCREEN)
        return len(rows) * len(columns)

    def walk(visited: list[str] | None = None) -> int:
        """The number of showing nodes read; with `visited`, each one's role is added to it."""
        app = find_app()
        app.clear_cache()
        # The same "on screen" rule as our reader: GTK4 never sets SHOWING; the others set it reliably.
        gtk4 = app.get_toolkit_name().upper() == "GTK" and app.get_toolkit_version().startswith("4.")
        visible = (Atspi.StateType.VISIBLE, Atspi.StateType.SHOWING) if gtk4 else (Atspi.StateType.SHOWING,)
        count = 0
        stack = [app.get_child_at_index(i) for i in range(app.get_child_count())]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            states = node.get_state_set()
            if not any(states.contains(s) for s in visible):
                continue
            role = node.get_role_name()
            name = node.get_name()
            node.get_description(), states.get_states()
            component = node.get_component_iface()
            if component is not None:
                component.get_extents(Atspi.CoordType.SCREEN)
            children = node.get_child_count()
            text = node.get_text_iface()
            leaf_text = not name and children == 0
            if text is not None and (role in TEXT_ROLES or states.contains(Atspi.StateType.EDITABLE) or leaf_text):
                text.get_text(0, 10_000)
            count += 1
            if visited is not None:
                visited.append(role)
            # Our reader's rule (quirks.expand_managed): a table reads its visible cells, any other node that
            # manages its descendants (Qt's item views: VLC's playlist and sidebar) its children, when few
            if states.contains(MANAGES) and role in TABLE_ROLES and node.get_table_iface() is not None:
                count += visible_cells(node)  # listing its children would build 2^34 cells
            elif not (states.contains(MANAGES) and children > WALK_CHILD_LIMIT):
                stack.extend(node.get_child_at_index(i) for i in range(children))
        return count

    return walk


def step_latency_ms(env: AppEnv, runs: int) -> tuple[float, float]:
    """(input until the observation reflects it, full env.step), medians."""
    backend = env.backend
    assert isinstance(backend, UbuntuBackend)
    action, reading = STEP_PROBES.get(backend.app.name, _typing_probe)(env)
    raw, full = [], []
    for _ in range(runs):
        before = reading(env)
        start = time.perf_counter()
        probe_input(env, action)
        deadline = start + 5.0
        while True:
            snapshot = backend.observe()
            env._snapshot = snapshot
            if reading(env) != before or time.perf_counter() > deadline:
                break
        raw.append((time.perf_counter() - start) * 1000)
        backend._settled_snapshot(time.monotonic())  # let the app finish before the next sample
        start = time.perf_counter()
        env.step(action)
        full.append((time.perf_counter() - start) * 1000)
    return two_state_median(raw), two_state_median(full)


def busy_loop() -> subprocess.Popen:
    """A busy loop at the lowest priority: it keeps a CPU from idling, and yields it to anything else."""
    return subprocess.Popen(["nice", "-n", "19", sys.executable, "-S", "-c", "while True: pass"])


def bench_app(
    app: UbuntuApp, desktop: Desktop, runs: int, results: dict, options: dict | None, quiet: bool = True
) -> None:
    key = app.name.lower()
    env = AppEnv(UbuntuBackend(app, (desktop.width, desktop.height), desktop=desktop))
    try:
        env.reset(seed=0, options=options)
        backend = env.backend
        assert isinstance(backend, UbuntuBackend)
        app_name = next((e.app for e in env.tree if e.app), app.command[0])
        walk = libatspi_walker(app_name)
        walk()  # first walk connects libatspi; not timed
        libatspi_still_ms, full_ms = map(statistics.median, in_turns((walk, lambda: full_observe(backend)), runs))
        backend.observe()
        still_ms = median_ms(backend.observe, runs)
        mss_ms = median_ms(backend._screen.grab_raw, runs)
        elements = len(env.tree)
        env.reset(seed=0, options=options)  # each probe series starts fresh: 30 sevens fill the display
        # a closed app's helpers, a launch's aftermath (benchmarks/machine.py); with --busy-loop, just measured
        before = wait_for_quiet(deadline=20.0 if quiet else 0.0)
        round_trips = [app_round_trip_us(backend)]
        share = CpuShare().start()
        libatspi_ms, observe_ms = after_action_ms(env, runs, (walk, our_observation(env)))
        share.stop()
        round_trips.append(app_round_trip_us(backend))
        env.reset(seed=0, options=options)
        step_ms, env_step_ms = step_latency_ms(env, runs)
        results.update(
            {
                f"{key}_observe_ms": round(observe_ms, 1),
                f"{key}_observe_full_ms": round(full_ms, 1),
                f"{key}_observe_still_ms": round(still_ms, 2),
                f"{key}_libatspi_ms": round(libatspi_ms, 1),
                f"{key}_libatspi_still_ms": round(libatspi_still_ms, 1),
                f"{key}_speedup": round(libatspi_ms / observe_ms, 1),
                f"{key}_speedup_full": round(libatspi_still_ms / full_ms, 1),
                f"{key}_mss_ms": round(mss_ms, 2),
                f"{key}_elements": elements,
                f"{key}_step_ms": round(step_ms, 1),
                f"{key}_env_step_ms": round(env_step_ms, 1),
                f"{key}_round_trip_us": round(statistics.mean(round_trips)),
                f"{key}_others_before_pct": round(before.others_pct, 1),
                f"{key}_steal_pct": round(share.steal_pct, 1),
            }
        )
        print(
            f"{app.name:>20}: {elements:4d} elements | observe after an action {observe_ms:6.1f} ms "
            f"(full {full_ms:6.1f}, still {still_ms:4.2f}) | libatspi {libatspi_ms:7.1f} ms "
            f"(still {libatspi_still_ms:7.1f}) | speedup {libatspi_ms / observe_ms:5.1f}x "
            f"(full {libatspi_still_ms / full_ms:4.1f}x) | mss {mss_ms:5.2f} ms | "
            f"step {step_ms:5.1f} ms | env.step {env_step_ms:5.1f} ms | machine: one call at a time "
            f"{statistics.mean(round_trips):4.0f} us, others {before.others_pct:3.0f}% of a core before, "
            f"steal {share.steal_pct:3.0f}%",
            flush=True,
        )
    finally:
        env.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--apps", nargs="*", default=None, help="catalog names (default: every installed app)")
    parser.add_argument("--busy-loop", action="store_true",
                        help="run a niced busy loop beside the benchmark, to see how the machine's state moves it")
    args = parser.parse_args()
    names = args.apps or [n for n, a in UBUNTU_APPS.items() if shutil.which(a.command[0])]
    desktop = Desktop().start()
    os.environ["DISPLAY"] = desktop.display  # libatspi finds the accessibility bus through these
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = desktop.bus_address
    results: dict[str, float] = {}
    options = documents()
    busy = busy_loop() if args.busy_loop else None
    try:
        for i, name in enumerate(names, 1):
            print(f"[{i}/{len(names)}] {name} ({args.runs} runs each)", flush=True)
            bench_app(UBUNTU_APPS[name], desktop, args.runs, results, options.get(name), quiet=busy is None)
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()
        desktop.close()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
