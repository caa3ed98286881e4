"""`autoplay report DIR`: one self-contained HTML page (no network) to browse a run's tasks and results.

Everything is inlined: screenshots as small JPEG data URLs (the acted point marked), charts as SVG, and a few
lines of JavaScript for filtering. The page reads nothing at view time, so it can be mailed or archived.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

from PIL import Image, ImageDraw

from autoplay_gym.core.ui import UITree
from autoplay_gym.rundir import RunDir, read_jsonl
from autoplay_gym.tasks import Step, Trajectory

THUMB_WIDTH = 360
THUMB_HEIGHT = 420
MAX_FRAMES = 8  # per task card: the last frames of its execution
COLORS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4d7c0f", "#be185d")


def build_report(run_dir: str | Path) -> Path:
    """Write DIR/report.html and return its path."""
    run = RunDir(run_dir)
    meta = run.read_meta()
    tasks = list(read_jsonl(run.tasks_file))
    verdicts = {v["task_id"]: v for v in read_jsonl(run.verdicts_file)}
    explorations = _load_trajectories(run.trajectories)
    cards = [_task_card(run, task, verdicts.get(task["id"])) for task in tasks]
    body = "\n".join(
        [
            _summary(meta, tasks, verdicts, explorations),
            '<section class="charts">',
            _chart_block("Coverage: unique screens vs steps", _coverage_svg(explorations)),
            _chart_block("Tasks by category", _bar_svg(Counter(_category(t) for t in tasks))),
            _chart_block("Success rate by guideline", _rate_svg(tasks, verdicts)),
            "</section>",
            _filters(tasks),
            '<section id="tasks">',
            *cards,
            "</section>",
            '<p id="empty" hidden>No task matches the filters.</p>',
        ]
    )
    page = PAGE.replace("{{title}}", html.escape(f"AutoPlay run: {run.path.name}")).replace("{{body}}", body)
    run.report_file.write_text(page, encoding="utf-8")
    return run.report_file


# --- data ---------------------------------------------------------------------------------------------------


def _load_trajectories(folder: Path) -> list[Trajectory]:
    out = []
    for path in sorted(folder.glob("*/trajectory.json")):
        try:
            out.append(Trajectory.load(path.parent))
        except (OSError, ValueError, TypeError):
            continue  # a folder being written by a live run; the next report picks it up
    return out


def _category(task: dict[str, Any]) -> str:
    return task.get("category") or task.get("guideline") or "uncategorised"


def _verdict_class(verdict: dict[str, Any] | None) -> str:
    if verdict is None:
        return "unverified"
    return "success" if verdict.get("success") else "failure"


# --- summary and filters ------------------------------------------------------------------------------------


def _summary(meta: dict, tasks: list, verdicts: dict, explorations: list[Trajectory]) -> str:
    verified = [v for v in verdicts.values() if v.get("success")]
    rate = f"{100 * len(verified) / len(verdicts):.0f}%" if verdicts else "n/a"
    tokens = meta.get("tokens", {})
    rows = [
        ("Environments", ", ".join(meta.get("config", {}).get("env_ids", [])) or "n/a"),
        ("Exploration", f"{len(explorations)} trajectories, {sum(len(t.steps) - 1 for t in explorations)} steps"),
        ("Tasks", f"{len(tasks)} generated, {len(verdicts)} executed and judged, {len(verified)} verified ({rate})"),
        ("Agents", html.escape(json.dumps(meta.get("agents", {})))),
        ("Tokens", f"{tokens.get('prompt', 0)} prompt + {tokens.get('completion', 0)} completion"),
        ("Time", ", ".join(f"{k} {v:.1f} s" for k, v in meta.get("timings", {}).items()) or "n/a"),
    ]
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<section class="summary"><table>{cells}</table></section>'


def _filters(tasks: list[dict]) -> str:
    def select(name: str, values: Iterable[str]) -> str:
        options = "".join(f'<option value="{html.escape(v)}">{html.escape(v)}</option>' for v in sorted(set(values)))
        return f'<label>{name} <select id="f-{name}"><option value="">all</option>{options}</select></label>'

    return (
        '<section class="filters">'
        + select("guideline", (t.get("guideline") or "none" for t in tasks))
        + select("category", (_category(t) for t in tasks))
        + select("env", (t.get("env_id", "") for t in tasks))
        + select("verdict", ("success", "failure", "unverified"))
        + '<label>search <input id="f-search" type="search" placeholder="instruction text"></label>'
        + '<span id="count"></span></section>'
    )


# --- task cards ---------------------------------------------------------------------------------------------


def _task_card(run: RunDir, task: dict[str, Any], verdict: dict[str, Any] | None) -> str:
    status = _verdict_class(verdict)
    attrs = {
        "guideline": task.get("guideline") or "none",
        "category": _category(task),
        "env": task.get("env_id", ""),
        "verdict": status,
        "search": task.get("instruction", "").casefold(),
    }
    data = " ".join(f'data-{k}="{html.escape(v)}"' for k, v in attrs.items())
    details = []
    if task.get("params"):
        details.append(f"<dt>params</dt><dd>{html.escape(json.dumps(task['params'], ensure_ascii=False))}</dd>")
    if task.get("answer"):
        details.append(f"<dt>answer</dt><dd>{html.escape(str(task['answer']))}</dd>")
    if task.get("check"):
        details.append(f"<dt>check</dt><dd><code>{html.escape(json.dumps(task['check'], ensure_ascii=False))}</code></dd>")
    reason = html.escape(verdict.get("reason", "")) if verdict else "not executed yet"
    frames = _frames(run, task["id"])
    return (
        f'<article class="task {status}" {data}>'
        f'<header><span class="badge {status}">{status}</span> <b>{html.escape(task.get("instruction", ""))}</b></header>'
        f'<p class="meta">{html.escape(task["id"])} · {html.escape(attrs["env"])} · {html.escape(attrs["guideline"])}'
        f' · {html.escape(attrs["category"])}</p>'
        f'<dl>{"".join(details)}<dt>verdict</dt><dd>{reason}</dd></dl>'
        f'<div class="frames">{frames}</div></article>'
    )


def _frames(run: RunDir, task_id: str) -> str:
    folder = run.executions / task_id
    if not (folder / "trajectory.json").exists():
        return '<p class="meta">no execution recorded</p>'
    trajectory = Trajectory.load(folder)
    steps = trajectory.steps[-MAX_FRAMES:]
    out = []
    for previous, step in zip([None, *steps[:-1]], steps):
        caption = html.escape(_describe_action(step, previous))
        image = _thumbnail(folder, step, previous)
        img = f'<img alt="step {step.index}" src="{image}">' if image else "<div class='noimg'>no screenshot</div>"
        out.append(f"<figure>{img}<figcaption>{step.index}: {caption}</figcaption></figure>")
    return "".join(out)


def _acted_point(step: Step, previous: Step | None) -> tuple[int, int] | None:
    action = step.action or {}
    if "x" in action and "y" in action:
        return int(action["x"]), int(action["y"])
    if "x1" in action:
        return int(action["x1"]), int(action["y1"])
    if action.get("element") is not None and previous is not None:
        tree = UITree.from_dicts(previous.ui_elements)
        index = int(action["element"])
        if 0 <= index < len(tree) and tree[index].bounds is not None:
            return tree[index].bounds.center
    return None


def _describe_action(step: Step, previous: Step | None) -> str:
    if step.action is None:
        return "start"
    action = dict(step.action)
    text = ", ".join(f"{k}={v!r}" for k, v in action.items() if k != "type")
    label = f"{action.get('type', '?')}({text})"
    if action.get("element") is not None and previous is not None:
        elements = previous.ui_elements
        index = int(action["element"])
        if 0 <= index < len(elements):
            label += f" → {elements[index].get('role', '')} {elements[index].get('text', '')!r}"
    if step.action_error:
        label += f" [error: {step.action_error[:80]}]"
    return label


def _content_box(step: Step, size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The union of the elements' bounds (plus a margin), clipped to the screen."""
    boxes = [e["bounds"] for e in step.ui_elements if e.get("bounds")]
    if not boxes:
        return None
    margin = 8
    x1 = max(min(b[0] for b in boxes) - margin, 0)
    y1 = max(min(b[1] for b in boxes) - margin, 0)
    x2 = min(max(b[2] for b in boxes) + margin, size[0])
    y2 = min(max(b[3] for b in boxes) + margin, size[1])
    return (x1, y1, x2, y2) if x2 - x1 > 16 and y2 - y1 > 16 else None


def _thumbnail(folder: Path, step: Step, previous: Step | None) -> str | None:
    if step.screenshot is None or not (folder / step.screenshot).exists():
        return None
    with Image.open(folder / step.screenshot) as image:
        image = image.convert("RGB")
        point = _acted_point(step, previous)
        if point is not None:
            draw = ImageDraw.Draw(image)
            x, y = point
            draw.ellipse((x - 14, y - 14, x + 14, y + 14), outline=(220, 38, 38), width=4)
        box = _content_box(step, image.size)
        if box is not None:
            image = image.crop(box)  # the app's windows, not the empty desktop around them
        scale = min(THUMB_WIDTH / image.width, THUMB_HEIGHT / image.height, 1.0)
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=70)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


# --- charts -------------------------------------------------------------------------------------------------


def _chart_block(title: str, svg: str) -> str:
    return f'<figure class="chart"><figcaption>{html.escape(title)}</figcaption>{svg}</figure>'


def _coverage_series(explorations: list[Trajectory]) -> dict[str, list[tuple[int, int]]]:
    """Per (env, explorer): cumulative steps -> unique screen signatures, across turns in order."""
    grouped: dict[str, list[Trajectory]] = defaultdict(list)
    for trajectory in explorations:
        explorer = trajectory.metadata.get("explorer", "explorer")
        grouped[f"{trajectory.env_id} · {explorer}"].append(trajectory)
    series = {}
    for name, trajectories in grouped.items():
        seen: set[str] = set()
        points, steps = [(0, 0)], 0
        for trajectory in sorted(trajectories, key=lambda t: (t.turn, t.id)):
            for step in trajectory.steps:
                if step.ui_elements:
                    seen.add(UITree.from_dicts(step.ui_elements).signature())
                if step.action is not None:
                    steps += 1
                points.append((steps, len(seen)))
        series[name] = points
    return series


def _coverage_svg(explorations: list[Trajectory]) -> str:
    series = _coverage_series(explorations)
    if not series:
        return "<p class='meta'>no exploration recorded</p>"
    width, height, pad = 520, 260, 36
    max_x = max(max(x for x, _ in pts) for pts in series.values()) or 1
    max_y = max(max(y for _, y in pts) for pts in series.values()) or 1
    parts = [_axes(width, height, pad, max_x, max_y, "steps", "unique screens")]
    for i, (name, points) in enumerate(sorted(series.items())):
        color = COLORS[i % len(COLORS)]
        coords = " ".join(
            f"{pad + x / max_x * (width - 2 * pad):.1f},{height - pad - y / max_y * (height - 2 * pad):.1f}"
            for x, y in points
        )
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{coords}"/>')
        parts.append(f'<text x="{pad + 8}" y="{pad + 14 * i}" fill="{color}" font-size="11">{html.escape(name)}</text>')
    return f'<svg viewBox="0 0 {width} {height}" role="img">{"".join(parts)}</svg>'


def _axes(width: int, height: int, pad: int, max_x: float, max_y: float, x_label: str, y_label: str) -> str:
    return (
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#555"/>'
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#555"/>'
        f'<text x="{width - pad}" y="{height - 8}" text-anchor="end" font-size="11">{x_label} (max {max_x:g})</text>'
        f'<text x="4" y="{pad - 10}" font-size="11">{y_label} (max {max_y:g})</text>'
    )


def _bar_svg(values: dict[str, float], *, percent: bool = False) -> str:
    if not values:
        return "<p class='meta'>nothing to chart yet</p>"
    width, row = 520, 24
    height = row * len(values) + 10
    top = max(values.values()) or 1
    parts = []
    for i, (label, value) in enumerate(sorted(values.items())):
        length = (width - 220) * (value / (100 if percent else top))
        y = 5 + i * row
        shown = f"{value:.0f}%" if percent else f"{value:g}"
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="12">{html.escape(label[:28])}</text>'
            f'<rect x="180" y="{y + 3}" width="{length:.1f}" height="16" fill="{COLORS[i % len(COLORS)]}"/>'
            f'<text x="{186 + length:.1f}" y="{y + 15}" font-size="12">{shown}</text>'
        )
    return f'<svg viewBox="0 0 {width} {height}" role="img">{"".join(parts)}</svg>'


def _rate_svg(tasks: list[dict], verdicts: dict[str, dict]) -> str:
    judged: dict[str, list[bool]] = defaultdict(list)
    for task in tasks:
        verdict = verdicts.get(task["id"])
        if verdict is not None:
            judged[task.get("guideline") or "none"].append(bool(verdict.get("success")))
    return _bar_svg({g: 100 * sum(v) / len(v) for g, v in judged.items()}, percent=True)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111;background:#fafafa}
h1{font-size:1.4rem} table{border-collapse:collapse} th{text-align:left;padding:2px 12px 2px 0;color:#444}
.charts{display:flex;flex-wrap:wrap;gap:1rem} .chart{background:#fff;border:1px solid #ddd;padding:.5rem;margin:0;width:540px}
.chart figcaption{font-weight:600;margin-bottom:.3rem}
.filters{position:sticky;top:0;background:#fafafa;padding:.6rem 0;display:flex;gap:1rem;flex-wrap:wrap;align-items:center;z-index:1}
.task{background:#fff;border:1px solid #ddd;border-left:6px solid #999;margin:.8rem 0;padding:.6rem .8rem}
.task.success{border-left-color:#16a34a}.task.failure{border-left-color:#dc2626}
.badge{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;background:#777;font-size:.8rem}
.badge.success{background:#16a34a}.badge.failure{background:#dc2626}
.meta{color:#666;font-size:.85rem;margin:.2rem 0} dl{display:grid;grid-template-columns:6rem 1fr;margin:.3rem 0}
dt{color:#555} dd{margin:0} .frames{display:flex;gap:.5rem;overflow-x:auto}
figure{margin:0} .frames img{max-width:360px;border:1px solid #ccc} figcaption{font-size:.8rem;max-width:360px}
</style></head><body>
<h1>{{title}}</h1>
{{body}}
<script>
(function () {
  var names = ["guideline", "category", "env", "verdict"];
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.task"));
  function apply() {
    var query = document.getElementById("f-search").value.trim().toLowerCase();
    var shown = 0;
    cards.forEach(function (card) {
      var ok = names.every(function (n) {
        var v = document.getElementById("f-" + n).value;
        return !v || card.dataset[n] === v;
      }) && (!query || card.dataset.search.indexOf(query) !== -1);
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    document.getElementById("count").textContent = shown + " of " + cards.length + " tasks";
    document.getElementById("empty").hidden = shown !== 0;
  }
  names.forEach(function (n) { document.getElementById("f-" + n).addEventListener("change", apply); });
  document.getElementById("f-search").addEventListener("input", apply);
  apply();
})();
</script>
</body></html>
"""
