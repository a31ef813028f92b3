"""Run fixsession's fuzz targets with atheris (coverage-guided, libFuzzer).

    python fuzz/run.py TARGET [--seconds N] [--runs N] [--stop-on-crash] [libFuzzer args...]
    python fuzz/run.py all --seconds N [libFuzzer args...]
    python fuzz/run.py TARGET --reproduce FILE...
    python fuzz/run.py list

One target: its seeds (made from ``captures/``) are copied into ``fuzz/corpus/TARGET/``, which
libFuzzer grows; each failing input is kept once per kind of failure (the smallest seen) as
``fuzz/crashes/TARGET/crash-SIGNATURE.bin`` with its traceback in ``.txt``, and fuzzing goes
on. ``--stop-on-crash`` instead lets the exception reach libFuzzer, which stops there (for
``-minimize_crash``). ``all`` runs every target in turn, each in its own process, and prints
per target the inputs executed, the corpus size and the crashes. The exit status is 1 when
any target found a failure, 2 on a usage error. See fuzz/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
sys.path.insert(0, str(ROOT))
if os.environ.get("FUZZ_FIXSESSION"):  # fuzz the fixsession package in another folder
    sys.path.insert(0, os.environ["FUZZ_FIXSESSION"])

CORPUS = FUZZ / "corpus"
CRASHES = FUZZ / "crashes"
LOGS = FUZZ / "logs"
REGRESSIONS = FUZZ / "regressions"
DICTIONARY = FUZZ / "fix.dict"
NAMES = (
    "framer", "decode", "parse", "from_message", "acceptor", "initiator", "exchange",
    "captures", "sidecar", "journal", "settings", "sbe", "sbe_session", "recorder",
)  # fmt: skip
"""The targets, in the order ``all`` runs them (``targets.TARGETS`` has the same names)."""
SUBJECTS: dict[str, tuple[str, ...]] = {
    "recorder": ("fixsession.recording", "fixsession.captures"),
    "exchange": ("fixsession.venue",),
}
"""Where a target's coverage comes from, when not all of fixsession: instrumenting only the
modules under test keeps slow targets fast (the recorder 14x, the exchange 7x slower with every
module instrumented); the checks still run on everything."""
CRASH_LINE = "fuzz: crash "
NOTE_LINE = "fuzz: note "


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Run fixsession's atheris fuzz targets.",
        epilog="Other arguments (-fork=2, -max_len=N, a corpus folder...) go to libFuzzer.",
    )
    parser.add_argument("target", help="a target name, 'all', or 'list'")
    parser.add_argument("--seconds", type=int, help="stop after this many seconds")
    parser.add_argument("--runs", type=int, help="stop after this many inputs")
    parser.add_argument(
        "--stop-on-crash", action="store_true", help="let a failure stop libFuzzer (as usual)"
    )
    parser.add_argument(
        "--reproduce", nargs="+", type=Path, metavar="FILE", help="run the target on FILEs"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args, extra = _parser().parse_known_args(argv)
    if args.target == "list":
        print("\n".join(NAMES))
        return 0
    if args.target == "all":
        if args.reproduce:
            print("run.py: --reproduce takes one target", file=sys.stderr)
            return 2
        return run_all(args, extra)
    if args.target not in NAMES:
        print(f"run.py: no target {args.target!r}; one of: {', '.join(NAMES)}", file=sys.stderr)
        return 2
    if args.reproduce:
        return reproduce(args.target, args.reproduce)
    return fuzz(args.target, args, extra)


# -- one target ----------------------------------------------------------------------------------


class Crashes:
    """Failing inputs of one target, kept once per signature (the smallest input)."""

    def __init__(self, target: str) -> None:
        self.folder = CRASHES / target
        self.folder.mkdir(parents=True, exist_ok=True)
        self.seen: dict[str, int] = {}  # signature -> size of the input kept this run
        self.notes: dict[str, int] = {}

    def record(self, data: bytes, error: BaseException) -> None:
        signature = _signature(error)
        digest = hashlib.sha1(signature.encode()).hexdigest()[:12]
        binary = self.folder / f"crash-{digest}.bin"
        kept = binary.stat().st_size if binary.exists() else None
        if kept is None or len(data) < kept:
            binary.write_bytes(data)
            text = "".join(traceback.format_exception(error))
            (self.folder / f"crash-{digest}.txt").write_text(
                f"{signature}\n\ninput ({len(data)} bytes): {data[:2000]!r}\n\n{text}",
                encoding="utf-8",
            )
        if signature not in self.seen:
            last = traceback.format_exception_only(error)[-1].strip()
            print(f"{CRASH_LINE}{binary.relative_to(ROOT)} {signature} | {last[:300]}", flush=True)
        self.seen[signature] = min(len(data), self.seen.get(signature, len(data)))

    def note(self, kind: str, data: bytes) -> None:
        count = self.notes.get(kind, 0)
        self.notes[kind] = count + 1
        if count < 3:
            digest = hashlib.sha1(kind.encode()).hexdigest()[:8]
            (self.folder / f"note-{digest}-{count}.bin").write_bytes(data)
            if count == 0:
                (self.folder / f"note-{digest}.txt").write_text(kind + "\n", encoding="utf-8")
                print(f"{NOTE_LINE}{kind}", flush=True)


def _signature(error: BaseException) -> str:
    """What tells failures apart: the exception type, where in fixsession it was raised (for
    a broken invariant, where its cause was), and the line of targets.py it surfaced in."""
    frames = traceback.extract_tb(error.__traceback__)
    cause = error.__cause__
    inside = [f for f in frames if f"{os.sep}fixsession{os.sep}" in f.filename]
    if cause is not None:
        inside += [
            f
            for f in traceback.extract_tb(cause.__traceback__)
            if f"{os.sep}fixsession{os.sep}" in f.filename
        ]
    harness = [f for f in frames if f.filename.endswith("targets.py") and f.name != "check"]
    where = [f"{Path(f.filename).name}:{f.name}:{f.lineno}" for f in inside[-1:]]
    where += [f"targets.py:{f.lineno}" for f in harness[-1:]]
    name = type(error).__name__ + (f"({type(cause).__name__})" if cause is not None else "")
    return f"{name}@{'/'.join(where) or 'unknown'}"


def _write_seeds(target: str, seeds: list[bytes], corpus: Path) -> int:
    corpus.mkdir(parents=True, exist_ok=True)
    written = 0
    for seed in seeds:
        path = corpus / f"seed-{hashlib.sha1(seed).hexdigest()}"
        if not path.exists():
            path.write_bytes(seed)
            written += 1
    return written


def fuzz(target: str, args: argparse.Namespace, extra: list[str]) -> int:
    import atheris

    # Instrument fixsession (and only it) so that its Python coverage guides the fuzzer.
    subjects = SUBJECTS.get(target, ("fixsession",))
    with atheris.instrument_imports(include=list(subjects)):
        import fixsession  # every module (of the subjects), instrumented
        from fuzz import targets  # not instrumented itself (include= names fixsession only)
    # Hooks that let comparisons in regular expressions and str.startswith/endswith guide the
    # fuzzer. After every import: atheris's regex hook fails on some bytes patterns, and every
    # module-level pattern is compiled by then.
    atheris.enabled_hooks.add("RegEx")
    atheris.enabled_hooks.add("str")

    function = targets.TARGETS[target]
    where = Path(fixsession.__file__).parent
    print(f"fuzz: {target}: fixsession from {where}, coverage of {', '.join(subjects)}", flush=True)
    crashes = Crashes(target)
    targets.set_note_hook(crashes.note)
    positional = [arg for arg in extra if not arg.startswith("-")]
    options = [arg for arg in extra if arg.startswith("-")]
    corpus = CORPUS / target
    if not positional:  # the working corpus, seeded from captures/
        added = _write_seeds(target, targets.seeds(target), corpus)
        regressions = REGRESSIONS / target
        if regressions.is_dir():
            added += _write_seeds(target, [p.read_bytes() for p in regressions.iterdir()], corpus)
        print(f"fuzz: {target}: corpus {corpus.relative_to(ROOT)} (+{added} seeds)", flush=True)
        positional = [str(corpus)]
    given = {arg.split("=", 1)[0] for arg in options}
    defaults = {
        "-max_len": str(targets.MAX_LEN[target]),
        "-timeout": "60",
        "-rss_limit_mb": "4096",
        "-artifact_prefix": f"{crashes.folder}{os.sep}",
        "-print_final_stats": "1",
    }
    if target not in ("sidecar", "journal"):
        defaults["-dict"] = str(DICTIONARY)
    if args.seconds is not None:
        defaults["-max_total_time"] = str(args.seconds)
    if args.runs is not None:
        defaults["-runs"] = str(args.runs)
    options += [f"{key}={value}" for key, value in defaults.items() if key not in given]

    def one_input(data: bytes) -> None:
        try:
            function(data)
        except Exception as error:
            if args.stop_on_crash:
                raise
            crashes.record(data, error)

    atheris.Setup([sys.argv[0], *options, *positional], one_input)
    atheris.Fuzz()
    return 0  # not reached: libFuzzer exits


def reproduce(target: str, files: list[Path]) -> int:
    """Run ``target`` on each file, with the traceback of any failure."""
    from fuzz import targets

    function = targets.TARGETS[target]
    failed = 0
    for path in files:
        for item in (
            sorted(p for p in path.iterdir() if p.suffix != ".txt") if path.is_dir() else [path]
        ):
            try:
                function(item.read_bytes())
            except Exception:
                failed += 1
                print(f"FAIL {item}", flush=True)
                traceback.print_exc()
            else:
                print(f"ok   {item}", flush=True)
    return 1 if failed else 0


# -- every target ----------------------------------------------------------------------------


_STAT = re.compile(r"stat::(\w+):\s+(\d+)")
_PULSE = re.compile(r"#(\d+)\s+(?:pulse|NEW|REDUCE|INITED)\b.*?corp: (\d+)/.*?exec/s: (\d+)")


def run_all(args: argparse.Namespace, extra: list[str]) -> int:
    """Every target in turn, each in a process of its own for ``--seconds``."""
    if args.seconds is None and args.runs is None:
        print("run.py: 'all' needs --seconds N (or --runs N)", file=sys.stderr)
        return 2
    LOGS.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for number, target in enumerate(NAMES, 1):
        limit = f"{args.seconds} s" if args.seconds is not None else f"{args.runs} runs"
        print(f"[{number}/{len(NAMES)}] {target}: fuzzing for {limit}", flush=True)
        command = [sys.executable, str(Path(__file__).resolve()), target]
        if args.seconds is not None:
            command += ["--seconds", str(args.seconds)]
        if args.runs is not None:
            command += ["--runs", str(args.runs)]
        rows.append(_run_one(target, command + extra))
    print()
    print(f"{'target':<14}{'inputs':>12}{'exec/s':>9}{'corpus':>9}{'crashes':>9}  status")
    for row in rows:
        print(
            f"{row['target']:<14}{row['runs']:>12,}{row['rate']:>9,}{row['corpus']:>9,}"
            f"{len(row['crashes']):>9}  {row['status']}"
        )
    failed = [row for row in rows if row["crashes"] or row["status"] != "ok"]
    for row in failed:
        for line in row["crashes"]:
            print(f"  {row['target']}: {line}")
    print(f"{len(failed)} of {len(rows)} targets failed" if failed else "no failures")
    return 1 if failed else 0


def _run_one(target: str, command: list[str]) -> dict[str, Any]:
    log = LOGS / f"{target}.log"
    stats: dict[str, int] = {}
    found: list[str] = []
    started = time.monotonic()
    last_progress = started
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            errors="replace", cwd=ROOT,
        )  # fmt: skip
        assert process.stdout is not None
        for line in process.stdout:
            out.write(line)
            stat = _STAT.search(line)
            if stat:
                stats[stat.group(1)] = int(stat.group(2))
            if line.startswith(CRASH_LINE):
                found.append(line[len(CRASH_LINE) :].strip())
                print(f"  crash: {found[-1][:240]}", flush=True)
            elif line.startswith(NOTE_LINE):
                print(f"  note: {line[len(NOTE_LINE) :].strip()}", flush=True)
            pulse = _PULSE.search(line)
            if pulse and time.monotonic() - last_progress >= 5:
                last_progress = time.monotonic()
                runs, corpus, rate = pulse.groups()
                elapsed = last_progress - started
                print(
                    f"  {elapsed:5.0f} s  {int(runs):>10,} inputs  {int(rate):>6,}/s  "
                    f"corpus {corpus}",
                    flush=True,
                )
        status = process.wait()
    if status != 0:  # libFuzzer's own verdict: a timeout, out of memory, a deadly signal
        found.append(f"libFuzzer exited with status {status}; see {log.relative_to(ROOT)}")
    runs = stats.get("number_of_executed_units", 0)
    corpus_dir = CORPUS / target
    return {
        "target": target,
        "runs": runs,
        "rate": stats.get("average_exec_per_sec", 0),
        "corpus": sum(1 for _ in corpus_dir.iterdir()) if corpus_dir.is_dir() else 0,
        "crashes": found,
        "status": "ok" if status == 0 else f"exit {status}",
    }


if __name__ == "__main__":
    sys.exit(main())
