"""Reports of a run: a summary (pure data) rendered as Markdown, a static HTML page with plots, JSONL.

Two scores are kept apart on purpose. *Verified* counts proofs a Lean toolchain accepted under the
policy; it is the benchmark's score. *Screened* also counts `unchecked` proofs that passed the
static policy screen when no Lean check was made; it is an upper bound, labelled as such, and the
report's first line says so whenever no Lean check was made.
"""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axiomforge.bench.metrics import DEFAULT_KS, GroupScore, group_pass_at_k, pass_at_k
from axiomforge.bench.runner import is_eligible
from axiomforge.bench.store import AttemptRow, RunStore, TaskRow

NO_LEAN_LINE = (
    "**No Lean check was made**: no Lean 4 toolchain was used for this run, so proofs are recorded as"
    " `unchecked`; *verified* scores are therefore 0 and *screened* scores (proofs that passed the static"
    " policy screen) are an upper bound."
)


@dataclass(frozen=True)
class GroupRow:
    domain: str
    template: str
    difficulty: str
    verified: GroupScore
    screened: GroupScore
    check_seconds: float
    tokens: int


@dataclass(frozen=True)
class RunSummary:
    prover: str
    identity: dict[str, Any]
    lean_checked: bool
    samples: int
    tasks: list[TaskRow]
    eligible: list[str]
    attempts: list[AttemptRow]
    overall_verified: GroupScore
    overall_screened: GroupScore
    groups: list[GroupRow]
    by_difficulty: dict[str, dict[str, tuple[GroupScore, GroupScore]]]  # domain -> difficulty -> (verified, screened)
    statuses: dict[str, int]
    categories: dict[str, int]
    check_seconds_total: float
    prover_seconds_total: float
    prompt_tokens: int
    completion_tokens: int
    ks: tuple[int, ...]


def _counts(attempts: list[AttemptRow], task_ids: list[str], screened: bool) -> list[tuple[int, int]]:
    n: Counter[str] = Counter()
    c: Counter[str] = Counter()
    good = {"accepted", "unchecked"} if screened else {"accepted"}
    for a in attempts:
        n[a.task_id] += 1
        c[a.task_id] += a.status in good
    return [(n[t], c[t]) for t in task_ids if n[t]]


def _score(attempts: list[AttemptRow], ids: list[str], ks: tuple[int, ...]) -> tuple[GroupScore, GroupScore]:
    verified = _counts(attempts, ids, screened=False)
    screened = _counts(attempts, ids, screened=True)
    empty = GroupScore(0, 0, 0, {})
    return (
        group_pass_at_k(verified, ks) if verified else empty,
        group_pass_at_k(screened, ks) if screened else empty,
    )


def summarize(run_dir: Path, ks: tuple[int, ...] = DEFAULT_KS) -> RunSummary:
    """Everything the renderers need, read from the run store; deterministic for a given store."""
    with RunStore.open_existing(run_dir) as store:
        identity = store.get_meta("identity") or {}
        samples = int(store.get_meta("samples") or 0)
        prover = str(store.get_meta("prover_spec") or identity.get("prover", {}).get("plugin", "?"))
        tasks = store.tasks()
        attempts = list(store.attempts())
    eligible = [t.task_id for t in tasks if is_eligible(t)]
    eligible_set = set(eligible)
    scored = [a for a in attempts if a.task_id in eligible_set]
    overall_v, overall_s = _score(scored, eligible, ks)
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    by_diff_ids: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in tasks:
        if t.task_id in eligible_set:
            grouped[(t.domain, t.template, t.difficulty)].append(t.task_id)
            by_diff_ids[t.domain][t.difficulty].append(t.task_id)
    groups = []
    for (domain, template, difficulty), ids in sorted(grouped.items()):
        v, s = _score(scored, ids, ks)
        members = set(ids)
        mine = [a for a in scored if a.task_id in members]
        groups.append(
            GroupRow(
                domain, template, difficulty, v, s,
                check_seconds=sum(a.check_seconds for a in mine),
                tokens=sum(a.prompt_tokens + a.completion_tokens for a in mine),
            )
        )
    by_difficulty = {
        domain: {diff: _score(scored, ids, ks) for diff, ids in sorted(diffs.items(), key=lambda kv: _difficulty_order(kv[0]))}
        for domain, diffs in sorted(by_diff_ids.items())
    }
    return RunSummary(
        prover=prover,
        identity=identity,
        lean_checked=identity.get("checker") is not None,
        samples=samples,
        tasks=tasks,
        eligible=eligible,
        attempts=attempts,
        overall_verified=overall_v,
        overall_screened=overall_s,
        groups=groups,
        by_difficulty=by_difficulty,
        statuses=dict(sorted(Counter(a.status for a in attempts).items())),
        categories=dict(sorted(Counter(a.category for a in attempts if a.category).items())),
        check_seconds_total=sum(a.check_seconds for a in attempts),
        prover_seconds_total=sum(a.prover_seconds for a in attempts),
        prompt_tokens=sum(a.prompt_tokens for a in attempts),
        completion_tokens=sum(a.completion_tokens for a in attempts),
        ks=tuple(ks),
    )


def _difficulty_order(name: str) -> tuple[int, str]:
    order = {"easy": 0, "medium": 1, "hard": 2}
    return (order.get(name, 3), name)


def _pct(score: GroupScore, k: int) -> str:
    return f"{100 * score.pass_at[k]:.1f}%" if k in score.pass_at else "–"


def _all_ks(summary: RunSummary) -> list[int]:
    found = sorted(set(summary.overall_verified.pass_at) | set(summary.overall_screened.pass_at))
    return found or [k for k in summary.ks if k <= max(summary.samples, 1)]


def render_markdown(summary: RunSummary, plots: dict[str, str] | None = None) -> str:
    """The report as Markdown; `plots` maps a plot title to a relative image path."""
    ks = _all_ks(summary)
    lines: list[str] = []
    checker = summary.identity.get("checker")
    if not summary.lean_checked:
        lines.append(NO_LEAN_LINE)
        lines.append("")
    lines.append(f"# Benchmark report: `{summary.prover}`")
    lines.append("")
    if checker:
        lines.append(f"Proofs checked by Lean `{checker.get('version')}` (timeout {checker.get('timeout_s')} s, memory {checker.get('memory_mb')} MiB).")
        lines.append("")
    recheck = Counter(t.recheck for t in summary.tasks)
    uncertified = sum(not t.certified for t in summary.tasks)
    lines += [
        "| run | |",
        "|---|---|",
        f"| prover | `{summary.prover}` |",
        f"| policy track | {summary.identity.get('track', '?')} |",
        f"| tasks | {len(summary.tasks)} ({len(summary.eligible)} scored) |",
        f"| samples per task | {summary.samples} |",
        f"| attempts | {len(summary.attempts)} ({', '.join(f'{k} {v}' for k, v in summary.statuses.items()) or 'none'}) |",
        f"| ground truth re-verified | {recheck.get('ok', 0)} ok, {recheck.get('failed', 0)} failed, {recheck.get('unavailable', 0)} not re-checkable; {uncertified} uncertified |",
        f"| verification time | {summary.check_seconds_total:.2f} s total |",
        f"| prover time | {summary.prover_seconds_total:.2f} s total |",
        f"| tokens | {summary.prompt_tokens} prompt, {summary.completion_tokens} completion |",
        "",
        "## pass@k",
        "",
        "| score | " + " | ".join(f"pass@{k}" for k in ks) + " |",
        "|---|" + "---|" * len(ks),
        "| verified (Lean) | " + " | ".join(_pct(summary.overall_verified, k) for k in ks) + " |",
        "| screened (upper bound) | " + " | ".join(_pct(summary.overall_screened, k) for k in ks) + " |",
        "",
        "## By domain × template × difficulty",
        "",
        "| domain | template | difficulty | tasks | "
        + " | ".join(f"verified@{k} | screened@{k}" for k in ks)
        + " | check s | tokens |",
        "|---|---|---|---|" + "---|---|" * len(ks) + "---|---|",
    ]
    for g in summary.groups:
        cells = " | ".join(f"{_pct(g.verified, k)} | {_pct(g.screened, k)}" for k in ks)
        lines.append(
            f"| {g.domain} | {g.template} | {g.difficulty} | {g.verified.tasks} | {cells}"
            f" | {g.check_seconds:.2f} | {g.tokens} |"
        )
    lines += ["", "## Rejections by category", ""]
    if summary.categories:
        lines += ["| category | attempts |", "|---|---|"]
        lines += [f"| {cat} | {count} |" for cat, count in summary.categories.items()]
    else:
        lines.append("None.")
    excluded = [t for t in summary.tasks if not is_eligible(t)]
    if excluded:
        lines += ["", "## Tasks not scored", "", "| task | certified | re-check | reason |", "|---|---|---|---|"]
        for t in excluded:
            lines.append(f"| {t.task_id} | {'yes' if t.certified else 'no'} | {t.recheck} | {t.recheck_reason.replace('|', '/')} |")
    if plots:
        lines += ["", "## Plots", ""]
        lines += [f"![{title}]({path})" for title, path in plots.items()]
    return "\n".join(lines) + "\n"


def _plot_svgs(summary: RunSummary) -> dict[str, str]:
    """Two SVG plots: pass@k curves and per-difficulty bars (deterministic bytes)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "axiomforge-bench"
    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["text.parse_math"] = False  # labels are task text: "$\\frac{$" is a label, not mathtext
    metric = "verified" if summary.lean_checked else "screened"
    eligible = set(summary.eligible)
    attempts = [a for a in summary.attempts if a.task_id in eligible]
    tasks_by_domain: dict[str, list[str]] = defaultdict(list)
    for t in summary.tasks:
        if t.task_id in eligible:
            tasks_by_domain[t.domain].append(t.task_id)
    svgs: dict[str, str] = {}

    fig, ax = plt.subplots(figsize=(6, 4))
    curves = {"all": summary.eligible, **dict(sorted(tasks_by_domain.items()))}
    plotted_ks: set[int] = set()
    for label, ids in curves.items():
        counts = _counts(attempts, ids, screened=not summary.lean_checked)
        if not counts:
            continue
        n_min = min(n for n, _ in counts)
        ks = list(range(1, n_min + 1)) if n_min <= 64 else [k for k in (1, 2, 4, 8, 16, 32, 64, 128, 256) if k <= n_min]
        ys = [100 * sum(pass_at_k(n, c, k) for n, c in counts) / len(counts) for k in ks]
        ax.plot(ks, ys, marker="o", label=label)
        plotted_ks.update(ks)
    if plotted_ks:
        ticks = sorted(plotted_ks)
        if len(ticks) > 12:
            ticks = [k for k in ticks if k & (k - 1) == 0 or k == ticks[-1]]
        ax.set_xticks(ticks)
        ax.set_xlim(0.5, max(plotted_ks) + 0.5)
    ax.set_xlabel("k (samples)")
    ax.set_ylabel(f"pass@k, {metric} (%)")
    ax.set_ylim(0, 105)
    ax.set_title(f"pass@k ({metric})")
    ax.grid(alpha=0.3)
    if plotted_ks:  # no curve (nothing eligible): no legend, and no matplotlib warning on stderr
        ax.legend()
    svgs["pass@k curves"] = _svg(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4))
    domains = list(summary.by_difficulty)
    difficulties = sorted({d for diffs in summary.by_difficulty.values() for d in diffs}, key=_difficulty_order)
    width = 0.8 / max(len(domains), 1)
    for i, domain in enumerate(domains):
        values = []
        for diff in difficulties:
            pair = summary.by_difficulty[domain].get(diff)
            score = (pair[0] if summary.lean_checked else pair[1]) if pair else None
            values.append(100 * score.pass_at.get(1, 0.0) if score else 0.0)
        ax.bar([x + i * width for x in range(len(difficulties))], values, width, label=domain)
    ax.set_xticks([x + width * (len(domains) - 1) / 2 for x in range(len(difficulties))], difficulties)
    ax.set_ylabel(f"pass@1, {metric} (%)")
    ax.set_ylim(0, 105)
    ax.set_title("pass@1 by difficulty")
    if domains:
        ax.legend()
    svgs["pass@1 by difficulty"] = _svg(fig)
    plt.close(fig)
    return svgs


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return buffer.getvalue()


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Benchmark report: {{ prover }}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; } td, th { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }
.banner { background: #fff3cd; border: 1px solid #e0c36a; padding: .75rem 1rem; }
.plots { display: flex; flex-wrap: wrap; gap: 1rem; } .plots figure { margin: 0; }
</style></head><body>
{{ body | safe }}
<div class="plots">
{% for title, svg in plots.items() %}<figure><figcaption>{{ title }}</figcaption>{{ svg | safe }}</figure>
{% endfor %}</div>
</body></html>
"""


def _markdown_to_html(markdown: str) -> str:
    """The small Markdown subset `render_markdown` writes (headings, tables, paragraphs, code, bold)."""
    import html
    import re

    def inline(text: str) -> str:
        text = html.escape(text)
        text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
        text = re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)
        return re.sub(r"`(.+?)`", r"<code>\1</code>", text)

    out: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            head, *rows = table
            out.append("<table><thead><tr>" + "".join(f"<th>{inline(c)}</th>" for c in head) + "</tr></thead><tbody>")
            out.extend("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in rows)
            out.append("</tbody></table>")
            table.clear()

    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r"-+", c) for c in cells):
                table.append(cells)
            continue
        flush()
        if line.startswith("!["):
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{inline(line[level:].strip())}</h{level}>")
        elif line.startswith("**No Lean check"):
            out.append(f'<p class="banner">{inline(line)}</p>')
        elif line.strip():
            out.append(f"<p>{inline(line)}</p>")
    flush()
    return "\n".join(out)


def attempt_records(summary: RunSummary, with_raw: bool = False) -> list[dict[str, Any]]:
    """One JSON-ready dict per attempt, joined with its task's labels, sorted by (task, sample)."""
    tasks = {t.task_id: t for t in summary.tasks}
    records = []
    for a in summary.attempts:
        t = tasks[a.task_id]
        rec: dict[str, Any] = {
            "task_id": a.task_id,
            "sample_index": a.sample_index,
            "domain": t.domain,
            "template": t.template,
            "difficulty": t.difficulty,
            "scored": is_eligible(t),
            "status": a.status,
            "category": a.category,
            "message": a.message,
            "candidate": a.candidate,
            "prompt_tokens": a.prompt_tokens,
            "completion_tokens": a.completion_tokens,
            "prover_seconds": round(a.prover_seconds, 6),
            "check_seconds": round(a.check_seconds, 6),
            "cached": a.cached,
        }
        if with_raw:
            rec["raw_output"] = a.raw_output
        records.append(rec)
    return records


def export_jsonl(summary: RunSummary, path: Path, with_raw: bool = False) -> int:
    lines = [json.dumps(r, sort_keys=True, ensure_ascii=False) for r in attempt_records(summary, with_raw)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


@dataclass(frozen=True)
class ReportFiles:
    markdown: Path
    html: Path
    jsonl: Path
    plots: tuple[Path, ...]


def write_report(run_dir: Path, out_dir: Path | None = None, ks: tuple[int, ...] = DEFAULT_KS) -> ReportFiles:
    """report.md, report.html (plots inline), plot SVGs and attempts.jsonl under RUN/report/."""
    from jinja2 import Environment

    summary = summarize(run_dir, ks)
    out_dir = out_dir or run_dir / "report"
    out_dir.mkdir(parents=True, exist_ok=True)
    svgs = _plot_svgs(summary)
    plot_paths = []
    plot_refs = {}
    for title, svg in svgs.items():
        name = "passk.svg" if "curves" in title else "difficulty.svg"
        path = out_dir / name
        path.write_text(svg, encoding="utf-8")
        plot_paths.append(path)
        plot_refs[title] = name
    markdown = render_markdown(summary, plot_refs)
    md_path = out_dir / "report.md"
    md_path.write_text(markdown, encoding="utf-8")
    html_text = Environment(autoescape=True).from_string(_HTML).render(
        prover=summary.prover, body=_markdown_to_html(markdown), plots=svgs
    )
    html_path = out_dir / "report.html"
    html_path.write_text(html_text, encoding="utf-8")
    jsonl_path = out_dir / "attempts.jsonl"
    export_jsonl(summary, jsonl_path)
    return ReportFiles(md_path, html_path, jsonl_path, tuple(plot_paths))
