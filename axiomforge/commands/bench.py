"""`axiomforge bench run|report|export`: benchmark provers on Lean challenge sets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from axiomforge.commands._options import float_in, int_in, positive_seconds, seconds
from axiomforge.errors import check_output_file, file_contains
from axiomforge.executors import add_executor_options, executor_spec_from_args, make_executor

MAX_SAMPLES = 10_000
"""Attempts per task (docs/limits.md): pass@k is reported for k up to 32; 10,000 is far beyond
any useful n and keeps a run's bookkeeping (tasks x samples pairs) in memory."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help="benchmark provers on Lean challenge sets (pass@k)")
    sub = parser.add_subparsers(dest="bench_command", metavar="SUBCOMMAND", parser_class=type(parser))

    run = sub.add_parser("run", help="run (or resume) a prover on a challenge set")
    run.add_argument("--tasks", required=True, type=Path, action="append",
                     help="challenge set directory (challenges.jsonl) or .jsonl file; repeat to combine sets")
    run.add_argument("--prover", required=True,
                     help="symbolic | openai:MODEL | leandojo:MODEL | jsonl:FILE (replay saved proofs: one "
                          '{"task_id", "sample_index", "proof"} object per line)')
    run.add_argument("--out", required=True, type=Path, help="run directory (created; resumed if it exists)")
    run.add_argument("--samples", type=int_in(1, MAX_SAMPLES), default=1,
                     help=f"attempts per task (n of pass@k; default 1, at most {MAX_SAMPLES:,})")
    run.add_argument("--track", choices=("standard", "native"), default="standard",
                     help="native also allows Lean.ofReduceBool (native_decide, bv_decide)")
    llm = run.add_argument_group("openai / leandojo prover")
    llm.add_argument("--base-url", help="OpenAI-compatible base URL (default $OPENAI_BASE_URL or api.openai.com/v1)")
    llm.add_argument("--prompt-style", default="deepseek", choices=("deepseek", "goedel", "kimina", "plain"))
    llm.add_argument("--temperature", type=float_in(0.0, 2.0), default=1.0, help="0 to 2 (default 1)")
    llm.add_argument("--max-tokens", type=int_in(1, 1_000_000), default=4096, help="1 to 1,000,000 (default 4096)")
    llm.add_argument("--concurrency", type=int_in(1, 256), default=4, help="parallel requests (default 4)")
    llm.add_argument("--request-timeout", type=positive_seconds, default=300.0,
                     help="deadline in seconds for a whole request, however slowly the reply arrives (default 300)")
    llm.add_argument("--max-response-bytes", type=int_in(1024, 2**31), default=4 * 1024 * 1024,
                     help="refuse a reply larger than this (default 4 MiB); it is never stored")
    llm.add_argument("--retries", type=int_in(0, 100), default=5, help="retries on 429/5xx/timeouts (default 5)")
    llm.add_argument("--backoff", type=float_in(0.0, 3600.0), default=1.0, help="first retry delay in seconds, doubling (default 1)")
    llm.add_argument("--seed", type=int_in(0, 2**63 - 1), help="sampling seed sent as seed+sample_index")
    llm.add_argument("--leandojo-repo", help="git URL of the traced repository holding the challenge files")
    llm.add_argument("--leandojo-commit", help="commit of that repository")
    llm.add_argument("--leandojo-file", help="path template of a challenge in it (default {id}.lean)")
    llm.add_argument("--search-budget", type=int_in(1, 1_000_000), default=64, help="best-first expansions per attempt (default 64)")
    sym = run.add_argument_group("symbolic prover")
    sym.add_argument("--symbolic-source", default="certificate", choices=("certificate", "reference"),
                     help="certificate: generators' proof_from_certificate; reference: the records' reference proofs")
    sym.add_argument("--attempt-delay", type=seconds, default=0.0, help="seconds to wait per attempt (testing resumes)")
    lean = run.add_argument_group("Lean checking")
    lean.add_argument("--no-lean", action="store_true", help="do not check with Lean even if a toolchain is found")
    lean.add_argument("--lean-project", type=Path, help="Lake project to check in (runs `lake env lean`)")
    lean.add_argument("--lean-timeout", type=positive_seconds, default=120.0, help="seconds per proof (default 120)")
    lean.add_argument("--lean-memory", type=int_in(64, 1_048_576), default=8192, help="MiB of address space per proof (default 8192)")
    lean.add_argument("--lean-workers", type=int_in(1, 256), default=2, help="parallel Lean processes (default 2)")
    lean.add_argument("--no-cache", action="store_true", help="do not use the Lean verdict cache")
    lean.add_argument("--lean-resource", metavar="NAME",
                      help="with --executor ray: attempts that run a Lean check ask for one unit of this Ray "
                           "custom resource (start toolchain nodes with `ray start --resources '{\"NAME\": 1}'`)")
    add_executor_options(run)
    run.add_argument("--no-retry-errors", action="store_true",
                     help="on resume, keep attempts that failed with prover_error (default: they are retried)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.set_defaults(run=run_command)

    report = sub.add_parser("report", help="write Markdown + HTML reports (with plots) and JSONL of a run")
    report.add_argument("run_dir", type=Path, metavar="RUN")
    report.add_argument("--out", type=Path, help="report directory (default RUN/report)")
    report.add_argument("--k", default="1,8,32", help="comma-separated ks for pass@k (default 1,8,32)")
    report.set_defaults(run=report_command)

    export = sub.add_parser("export", help="export a run's attempts as JSONL")
    export.add_argument("run_dir", type=Path, metavar="RUN")
    export.add_argument("--out", type=Path, help="output file (default: stdout)")
    export.add_argument("--with-raw", action="store_true", help="include the provers' raw outputs")
    export.set_defaults(run=export_command)
    parser.set_defaults(run=lambda args: (parser.print_help(), 2)[1])


def run_command(args: argparse.Namespace) -> int:
    from axiomforge.bench.plugins import ProverOptions, make_prover
    from axiomforge.bench.runner import generator_recheck, run_benchmark
    from axiomforge.lean.policy import Track

    options = ProverOptions(
        base_url=args.base_url,
        prompt_style=args.prompt_style,
        temperature=args.temperature,
        max_tokens=args.max_tokens,
        concurrency=args.concurrency,
        request_timeout_s=args.request_timeout,
        max_response_bytes=args.max_response_bytes,
        retries=args.retries,
        backoff_s=args.backoff,
        seed=args.seed,
        symbolic_source=args.symbolic_source,
        attempt_delay_s=args.attempt_delay,
        leandojo_repo=args.leandojo_repo,
        leandojo_commit=args.leandojo_commit,
        leandojo_file=args.leandojo_file,
        search_budget=args.search_budget,
    )
    prover = make_prover(args.prover, options)
    checker = None if args.no_lean else _checker(args)
    if checker is None:
        print("note: no Lean check will be made (no toolchain); proofs are recorded as unchecked", file=sys.stderr)

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]attempts"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
        TimeRemainingColumn(), console=console, disable=args.no_progress, transient=False,
    )
    task_id = progress.add_task("attempts", total=None)

    def on_progress(done: int, total: int) -> None:
        progress.update(task_id, completed=done, total=total)

    lean_resources = {args.lean_resource: 1.0} if args.lean_resource else None
    if lean_resources and args.executor != "ray":
        from axiomforge.errors import UserError

        raise UserError("--lean-resource needs --executor ray")
    spec = executor_spec_from_args(args)  # Ray: all of a local Ray's CPUs, or the cluster's
    executor = make_executor(spec) if spec.kind == "ray" else None  # local: the runner's pool, sized by the prover
    try:
        with progress:
            outcome = run_benchmark(
                args.tasks, args.out, prover, args.samples, Track(args.track), checker, generator_recheck(),
                on_progress, executor, lean_resources, retry_errors=not args.no_retry_errors,
            )
    finally:
        if executor is not None:
            executor.close()
    statuses = ", ".join(f"{k} {v}" for k, v in outcome.statuses.items()) or "none"
    print(f"run {outcome.run_dir}: {outcome.eligible_tasks}/{outcome.tasks} tasks scored, "
          f"{outcome.attempts_total} attempts ({outcome.attempts_new} new"
          f"{f', {outcome.retried} prover errors retried' if outcome.retried else ''}): {statuses}")
    print(f"report: axiomforge bench report {outcome.run_dir}")
    return 0


def _checker(args: argparse.Namespace):  # -> LeanChecker | None
    from axiomforge.lean.checker import LeanChecker, VerdictCache, default_cache_dir
    from axiomforge.lean.toolchain import find_lean_toolchain

    toolchain = find_lean_toolchain()
    if toolchain is None:
        return None
    cache = None if args.no_cache else VerdictCache(default_cache_dir())
    return LeanChecker(toolchain, args.lean_timeout, args.lean_memory, args.lean_workers, cache, args.lean_project)


def _parse_ks(text: str) -> tuple[int, ...]:
    from axiomforge.errors import UserError

    try:
        ks = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise UserError(f"--k must be comma-separated integers, got {text!r}") from None
    if not ks or min(ks) < 1:
        raise UserError("--k needs positive integers")
    return ks


def report_command(args: argparse.Namespace) -> int:
    from axiomforge.bench.report import write_report

    ks = _parse_ks(args.k)
    out_dir = args.out or args.run_dir / "report"  # files there are replaced only if a report wrote them
    for name, ours, what in (("report.md", file_contains(b"# Benchmark report: `"), "a Markdown report"),
                             ("report.html", file_contains(b"<title>Benchmark report:"), "an HTML report"),
                             ("attempts.jsonl", _is_attempts_jsonl, "an attempts JSONL")):
        check_output_file(out_dir / name, ours, what)
    files = write_report(args.run_dir, args.out, ks)
    first = files.markdown.read_text(encoding="utf-8").splitlines()[0]
    print(first)
    print(f"markdown: {files.markdown}")
    print(f"html:     {files.html}")
    print(f"jsonl:    {files.jsonl}")
    return 0


def _is_attempts_jsonl(path: str) -> bool:
    """Whether `path` starts like `bench export` output: a JSON object with task_id and sample_index."""
    import json

    with open(path, encoding="utf-8") as handle:
        first = json.loads(handle.readline(1 << 20) or "null")
    return isinstance(first, dict) and {"task_id", "sample_index"} <= first.keys()


def export_command(args: argparse.Namespace) -> int:
    import json

    from axiomforge.bench.report import attempt_records, export_jsonl, summarize

    if args.out:
        check_output_file(args.out, _is_attempts_jsonl, "an attempts JSONL written by bench export")
    summary = summarize(args.run_dir)
    if args.out:
        count = export_jsonl(summary, args.out, args.with_raw)
        print(f"{count} attempts -> {args.out}", file=sys.stderr)
    else:
        for record in attempt_records(summary, args.with_raw):
            sys.stdout.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")
    return 0
