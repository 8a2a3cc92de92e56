"""`axiomforge rasp run|compile|verify|show`: RASP programs, interpreted and compiled to transformers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from axiomforge.commands._options import int_in
from axiomforge.errors import check_output_file

MAX_LEN = 10_000
"""Longest input a RASP command takes (docs/limits.md); compiled models grow with it."""
MAX_RUN_TOKENS = 1_000
"""Longest `rasp run --input` (docs/limits.md): the interpreter's selectors are n x n matrices, and
1,000 tokens already take seconds."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("rasp", help="run RASP programs and compile them to exact transformers")
    sub = parser.add_subparsers(dest="rasp_command", metavar="SUBCOMMAND")
    parser.set_defaults(run=lambda args: (parser.print_help(), 2)[1])

    def common(p: argparse.ArgumentParser, vocab: bool = True) -> None:
        p.add_argument("program", help="a .rasp file, or the name of a library program (sort, hist, ...)")
        p.add_argument("--output", dest="output_name", help="the s-op to output (default: 'output', else the last one)")
        p.add_argument("--causal", action="store_true", help="causal (RASP-L) semantics, also set by 'pragma causal;'")
        if vocab:
            p.add_argument("--vocab", help="comma-separated tokens (default: the file's '# vocab:' line)")
            p.add_argument("--max-len", type=int_in(1, MAX_LEN),
                           help=f"longest input, at most {MAX_LEN:,} (default: the file's '# max_len:' line)")

    run_p = sub.add_parser("run", help="interpret a program on one input (optionally also a compiled model)")
    common(run_p, vocab=False)
    run_p.add_argument("--input", required=True, help='the tokens, separated by spaces: "a b c"')
    run_p.add_argument("--model", help="also run this compiled model (.safetensors) and compare")
    run_p.add_argument("--json", action="store_true")
    run_p.set_defaults(run=_run)

    comp = sub.add_parser("compile", help="compile to model.safetensors + JSON sidecar")
    common(comp)
    comp.add_argument("-o", "--out", default="model.safetensors", help="output weights file")
    comp.add_argument("--json", action="store_true")
    comp.set_defaults(run=_compile)

    ver = sub.add_parser("verify", help="check interpreter == compiled model on all inputs up to --max-len")
    common(ver)
    ver.add_argument("--min-len", type=int_in(1, MAX_LEN), default=1, help="shortest input (default 1)")
    ver.add_argument("--exhaustive-limit", type=int_in(1, 10_000_000), default=100_000,
                     help="per length, check every input when there are at most this many (default 100000)")
    ver.add_argument("--samples", type=int_in(0, 1_000_000), default=2000,
                     help="random inputs per length beyond that (default 2000)")
    ver.add_argument("--seed", type=int, default=0)
    ver.add_argument("--json", action="store_true")
    ver.set_defaults(run=_verify)

    show = sub.add_parser("show", help="layers, heads, residual layout; PNG pictures for one input")
    common(show)
    show.add_argument("--input", help="draw attention patterns and the residual stream for this input")
    show.add_argument("--png-dir", help="where to write the PNG pictures (needs --input)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=_show)

    comp_p = sub.add_parser("compress", help="learn a projection of a compiled model's residual to fewer dimensions")
    comp_p.add_argument("model", help="a model written by rasp compile (.safetensors with its sidecar)")
    comp_p.add_argument("--dim", type=int_in(1, 1_000_000),
                        help="the width to learn (default: search the smallest exact width)")
    comp_p.add_argument("--steps", type=int_in(0, 100_000), default=100, help="Adam steps per width (default 100)")
    comp_p.add_argument("--seed", type=int, default=0)
    comp_p.add_argument("-o", "--out", required=True, help="where to save the compressed model (.safetensors)")
    comp_p.add_argument("--json", action="store_true")
    comp_p.set_defaults(run=_compress)

    tl = sub.add_parser("export-tl", help="export a compiled model to a TransformerLens HookedTransformer (interp extra)")
    tl.add_argument("model", help="a model written by rasp compile (.safetensors with its sidecar)")
    tl.add_argument("-o", "--out", required=True, help="where to save the HookedTransformer state dict (.pt)")
    tl.set_defaults(run=_export_tl)


def _load(args: argparse.Namespace, need_vocab: bool = True) -> tuple[Any, list[Any], int, bool]:
    from axiomforge.errors import UserError
    from axiomforge.rasp.parser import load_file
    from axiomforge.rasp.programs import parse_vocab, read_header, resolve_program_path

    path = resolve_program_path(args.program)
    program = load_file(path, args.output_name)
    causal = bool(args.causal or program.causal)
    if not need_vocab:
        return program, [], 0, causal
    header = read_header(path)
    vocab = parse_vocab(args.vocab) if args.vocab is not None else header.vocab  # --vocab "" is an error
    if not vocab:
        raise UserError(f"{path}: no vocabulary: pass --vocab a,b,c (or add a '# vocab:' line)")
    max_len = args.max_len if args.max_len is not None else header.max_len
    if max_len < 1:
        raise UserError(f"--max-len must be at least 1, got {max_len}")
    return program, vocab, max_len, causal


def _show_value(v: Any) -> str:
    return "None" if v is None else str(v)


def _run(args: argparse.Namespace) -> int:
    from axiomforge.errors import UserError
    from axiomforge.rasp.interpreter import evaluate
    from axiomforge.rasp.programs import parse_input
    from axiomforge.rasp.verify import same_outputs

    program, _, _, causal = _load(args, need_vocab=False)
    model = None
    vocab: list[Any] | None = None
    if args.model:
        from axiomforge.rasp.export import load_model

        model = load_model(args.model)
        vocab = model.vocab
    if vocab is None:
        from axiomforge.rasp.programs import read_header, resolve_program_path

        vocab = read_header(resolve_program_path(args.program)).vocab or None
    tokens = parse_input(args.input, vocab)
    if len(tokens) > MAX_RUN_TOKENS:
        raise UserError(f"--input has {len(tokens):,} tokens; the interpreter takes at most {MAX_RUN_TOKENS:,} "
                        "(its selectors are n x n matrices; docs/limits.md)")
    if vocab is None and tokens and all(t.lstrip("-").isdigit() for t in map(str, tokens)):
        tokens = [int(t) for t in tokens]
    result = evaluate(program.output, tokens, causal)
    report: dict[str, Any] = {"input": tokens, "output": [_show_value(v) for v in result]}
    if model is not None:
        got = model.run([tokens])[0]
        report["model"] = [_show_value(v) for v in got]
        report["agree"] = same_outputs(result, got)  # True and 1 differ
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{program.output.label}: {' '.join(report['output'])}")
        if model is not None:
            print(f"model:  {' '.join(report['model'])}  ({'agrees' if report['agree'] else 'DISAGREES'})")
    return 0 if report.get("agree", True) else 1


def _is_compiled_model(path: str) -> bool:
    """Whether `path` is a .safetensors file with the sidecar `rasp compile` writes beside it."""
    from axiomforge.rasp.export import sidecar_path

    return _is_model_sidecar(str(sidecar_path(Path(path))))


def _is_model_sidecar(path: str) -> bool:
    from axiomforge.rasp.export import FORMAT

    with open(path, encoding="utf-8") as handle:
        meta = json.load(handle)
    return isinstance(meta, dict) and meta.get("format") == FORMAT


def _compile(args: argparse.Namespace) -> int:
    import time

    from axiomforge.rasp.compiler import compile_to_spec
    from axiomforge.rasp.craft import block_count
    from axiomforge.rasp.export import (
        is_run_script,
        run_script_path,
        save_model,
        sidecar_path,
        write_run_script,
    )
    from axiomforge.rasp.model import CompiledTransformer

    check_output_file(args.out, _is_compiled_model, "a model written by rasp compile")  # before compiling
    check_output_file(sidecar_path(Path(args.out)), _is_model_sidecar, "a model sidecar written by rasp compile")
    check_output_file(run_script_path(Path(args.out)), is_run_script, "a run_model.py written by rasp compile")
    program, vocab, max_len, causal = _load(args)
    start = time.perf_counter()
    compiled = compile_to_spec(program.output, vocab, max_len, causal)
    seconds = time.perf_counter() - start
    model = CompiledTransformer(compiled.spec)
    total, nonzero = model.parameter_counts()
    path = save_model(compiled.spec, args.out, program=str(args.program))
    script = write_run_script(path)
    summary = {"weights": str(path), "sidecar": str(sidecar_path(path)), "run_script": str(script), "sublayers": len(compiled.spec.sublayers),
               "layers": block_count(compiled.spec), "d_model": compiled.spec.d_model, "parameters": total,
               "nonzero_parameters": nonzero, "compile_seconds": round(seconds, 3)}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"compiled {args.program} (vocab {len(vocab)}, max_len {max_len}{', causal' if causal else ''}): "
              f"{summary['layers']} layers ({summary['sublayers']} sub-layers), residual {summary['d_model']}, "
              f"{total} parameters ({nonzero} non-zero) in {seconds:.2f}s")
        print(f"wrote {summary['weights']}, {summary['sidecar']} and {script} (runs it with torch + safetensors only)")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from axiomforge.errors import UserError
    from axiomforge.rasp.compiler import compile_to_spec
    from axiomforge.rasp.model import CompiledTransformer
    from axiomforge.rasp.verify import check_agreement

    program, vocab, max_len, causal = _load(args)
    if args.min_len > max_len:
        raise UserError(f"--min-len {args.min_len} is greater than --max-len {max_len}: no input to check")
    compiled = compile_to_spec(program.output, vocab, max_len, causal)
    model = CompiledTransformer(compiled.spec)
    lengths = list(range(args.min_len, max_len + 1))
    result = check_agreement(program.output, model, vocab, lengths, causal, args.exhaustive_limit, args.samples,
                             args.seed)
    if args.json:
        data = result.as_json()
        data.update({"program": args.program, "vocab": [str(v) for v in vocab], "max_len": max_len})
        print(json.dumps(data, indent=2, default=str))
    else:
        how = "all inputs" if result.exhaustive else f"sampled ({result.samples_per_length} per length where too many)"
        print(f"{args.program}: lengths {lengths[0]}..{lengths[-1]}, {how}: "
              f"{result.sequences_agree}/{result.sequences} sequences agree ({100 * result.sequence_rate:.2f}%), "
              f"{result.positions_agree}/{result.positions} positions ({100 * result.position_rate:.2f}%)"
              + (f", {result.out_of_domain} inputs outside the program's domain" if result.out_of_domain else ""))
        for m in result.mismatches:
            print(f"  mismatch on {m['input']}: expected {m['expected']}, model {m['model']}")
    if result.sequences == 0 or (args.samples == 0 and not result.exhaustive):  # checked nothing: not a pass
        why = ("--samples 0 left the lengths past --exhaustive-limit unchecked" if args.samples == 0
               else "no input is in the program's domain")
        print(f"{args.program}: FAILED: nothing was checked ({why})", file=sys.stderr)
        return 1
    return 0 if result.sequences_agree == result.sequences else 1


def _show(args: argparse.Namespace) -> int:
    from axiomforge.errors import UserError
    from axiomforge.rasp.compiler import compile_to_spec
    from axiomforge.rasp.pictures import describe, draw_pictures

    program, vocab, max_len, causal = _load(args)
    compiled = compile_to_spec(program.output, vocab, max_len, causal)
    text, data = describe(compiled)
    if args.png_dir:
        if not args.input:
            raise UserError("--png-dir needs --input (the input the pictures show)")
        from axiomforge.rasp.programs import parse_input

        files = draw_pictures(compiled, parse_input(args.input, vocab), args.png_dir)
        data["pictures"] = [str(f) for f in files]
    if args.json:
        print(json.dumps(data, indent=2, default=str))
    else:
        print(text)
        for f in data.get("pictures", []):
            print(f"wrote {f}")
    return 0


def _compress(args: argparse.Namespace) -> int:
    from axiomforge.errors import UserError
    from axiomforge.rasp.compress import compress, compressed_spec
    from axiomforge.rasp.export import (
        is_run_script,
        load_spec,
        run_script_path,
        save_model,
        sidecar_path,
        write_run_script,
    )

    check_output_file(args.out, _is_compiled_model, "a model written by rasp compile or compress")
    check_output_file(sidecar_path(Path(args.out)), _is_model_sidecar, "a model sidecar written by rasp compile")
    check_output_file(run_script_path(Path(args.out)), is_run_script, "a run_model.py written by rasp compile")
    spec = load_spec(args.model)
    if spec.projection is not None:
        raise UserError(f"{args.model}: already compressed; compress the compiled model")
    if args.dim is not None and args.dim > spec.d_model:
        raise UserError(f"--dim {args.dim} is wider than the model's residual ({spec.d_model})")
    result = compress(spec, args.dim, steps=args.steps, seed=args.seed)
    checked = "every input up to max_len" if result.exhaustive else "sampled inputs (too many to check all)"
    summary: dict[str, Any] = {
        "model": args.model, "d_model": result.d_model, "rank": result.rank, "checked": checked,
        "attempts": [{"dim": a.dim, "exact": a.exact, "agree": a.agree, "inputs": a.checked, "loss": a.loss}
                     for a in result.attempts],
        "dim": result.best.dim if result.best else None,
    }
    if result.best is not None:
        path = save_model(compressed_spec(spec, result), args.out, program=f"compressed {args.model}")
        write_run_script(path)
        summary["weights"] = str(path)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for a in result.attempts:
            print(f"  width {a.dim}: {a.agree}/{a.checked} inputs agree{' (exact)' if a.exact else ''}")
        if result.best is None:
            print(f"no exact compressed model{' at --dim ' + str(args.dim) if args.dim else ''} "
                  f"(residual {result.d_model}, rank {result.rank}); nothing written")
        else:
            print(f"residual {result.d_model} -> {result.best.dim} (exact on {checked}); wrote {summary['weights']}")
    return 0 if result.best is not None else 1


def _export_tl(args: argparse.Namespace) -> int:
    from axiomforge.errors import UserError
    from axiomforge.rasp.export import load_spec, to_transformer_lens

    try:
        import transformer_lens  # noqa: F401
    except ImportError:
        raise UserError("rasp export-tl needs TransformerLens: pip install -e '.[interp]' (the interp extra)") from None
    check_output_file(args.out)
    spec = load_spec(args.model)
    if spec.projection is not None:
        raise UserError(f"{args.model}: a compressed model has no TransformerLens form; export the compiled model")
    import torch

    model = to_transformer_lens(spec)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": model.cfg.to_dict(), "state_dict": model.state_dict()}, args.out)
    print(f"wrote {args.out} (HookedTransformer config and state dict; logits[..., j] is output dimension j)")
    return 0
