"""The ``sourcebias`` command: ``analyze`` a batch into tables, ``report`` on it, or
``suggest`` a draft lexicon pack from it."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path

from sourcebias import __version__
from sourcebias.config import NOTEBOOK_DIR
from sourcebias.files import FolderBusy
from sourcebias.run.stream import DEFAULT_CHUNK_SIZE

READ_OPTIONS = ("text", "id", "outlet", "outlet_group", "date", "url", "title", "path")
#: Outlets listed after ``analyze``: the ones with the most articles.
SUMMARY_ROWS = 30
#: Warnings printed one by one; the rest are counted (each is in the tables anyway).
SHOWN_WARNINGS = 20


def _add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("batch", type=Path, help="a batch folder, or a .csv/.jsonl/.parquet file")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--lexicons", type=Path, metavar="DIR",
                        help="a lexicon pack folder (terms.yaml, actors.yaml, pack.yaml, "
                             "optionally valence.yaml); default: the package's Venezuela 2019 "
                             "pack")
    helps = {"id": "the input column that holds the article id (default: doc_id)",
             "path": "the manifest.csv column that holds the file paths (default: path, else "
                     "file, filename or filepath)"}
    for name in READ_OPTIONS:
        flag = name.replace("_", "-")
        parser.add_argument(
            f"--{flag}-column", dest=f"{name}_column", metavar="NAME",
            help=helps.get(name, f"the input column that holds the {name.replace('_', ' ')} "
                                 f"(default: {name})"),
        )
    parser.add_argument("--sep", metavar="CHAR", type=_delimiter,
                        help="the delimiter of a CSV table file, e.g. ';' or '\\t' (default: "
                             "found in its header line among comma, semicolon, tab and pipe)")


def _delimiter(value: str) -> str:
    """A ``--sep`` value: one character, or ``\\t`` / ``tab`` for a tab."""
    value = "\t" if value in ("\\t", "tab") else value
    if len(value) != 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give one character, e.g. ';' or '\\t'")
    return value


def _add_scaling_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="worker processes (default: every core); the tables do not depend "
                             "on it")
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, metavar="N",
                        help=f"articles per chunk of work (default: {DEFAULT_CHUNK_SIZE}); the "
                             "tables do not depend on it")
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument("--cache", type=Path, metavar="DIR",
                       help="cache of the batch as read, its segmentation and sentiment "
                            "(default: .cache beside the output folder)")
    cache.add_argument("--no-cache", action="store_true",
                       help="compute everything again and cache nothing")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="run the chunks on this Dask scheduler (e.g. tcp://host:8786); "
                             "the output folder must be shared with the workers")


def _read_options(args: argparse.Namespace) -> dict[str, str]:
    options = {
        f"{name}_column": getattr(args, f"{name}_column")
        for name in READ_OPTIONS
        if getattr(args, f"{name}_column")
    }
    return options | ({"sep": args.sep} if args.sep else {})


def _print_summary(analysis, out: Path) -> None:
    from sourcebias.stats.overview import outlet_summary

    summary = analysis.summary if analysis.summary is not None else outlet_summary(
        analysis.articles, sentences=analysis.sentences, voice=analysis.voice)
    shown = summary.nlargest(SUMMARY_ROWS, "n_articles", keep="first").sort_values("outlet")
    print(shown.to_string(index=False))
    if len(summary) > len(shown):
        print(f"({len(summary) - len(shown)} more outlets with fewer articles: "
              f"sourcebias.outlet_summary on the tables in {out} lists them all)")
    excluded = analysis.excluded
    if len(excluded):
        print(f"\n{len(excluded)} input(s) excluded:")
        for row in excluded.itertuples(index=False):
            print(f"  {row.source}: {row.reason}")


def _analyze(args: argparse.Namespace) -> int:
    from sourcebias.run.analysis import analyze

    analysis = analyze(
        args.batch, out=args.out, read_options=_read_options(args), jobs=args.jobs,
        chunk_size=args.chunk_size, cache=False if args.no_cache else args.cache or True,
        dask=args.dask, lexicons=args.lexicons,
    )
    print(f"wrote {analysis.rows('articles')} articles' tables to {args.out}")
    _print_summary(analysis, args.out)
    return 0


def _report(args: argparse.Namespace) -> int:
    from sourcebias.run.report import run_report

    command = "sourcebias " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    result = run_report(
        args.batch, out=args.out, notebooks=args.notebooks,
        read_options=_read_options(args), lexicons=args.lexicons, command=command,
    )
    print(f"report written to {result.out} ({len(result.executed)} notebook(s) ran)")
    for failure in result.failures:
        print(f"error: {failure}", file=sys.stderr)
    return 0 if result.ok else 1


def _suggest(args: argparse.Namespace) -> int:
    from sourcebias.annotate.lexicon import read_actors, read_terms
    from sourcebias.read.batch import read_batch
    from sourcebias.run.draft_pack import write_draft_pack
    from sourcebias.segment.sentences import segment_articles
    from sourcebias.stats.suggest import suggest

    batch = read_batch(args.batch, **_read_options(args))
    sentences, voice = segment_articles(batch.articles)
    pack = args.lexicons
    suggestions = suggest(
        batch.articles, sentences=sentences, voice=voice, target=args.target, batch=batch.name,
        terms=read_terms(pack / "terms.yaml") if pack else None,
        actors=read_actors(pack / "actors.yaml") if pack else None,
    )
    out = write_draft_pack(suggestions, args.out)
    print(f"draft pack written to {out}: {len(suggestions.terms)} terms, "
          f"{len(suggestions.actors)} actors, {len(suggestions.labels)} labels suggested")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``sourcebias`` command."""
    parser = argparse.ArgumentParser(
        prog="sourcebias", description="Compare how news outlets frame the same event."
    )
    parser.add_argument("--version", action="version", version=f"sourcebias {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="read, segment and annotate a batch into Parquet")
    _add_batch_arguments(analyze)
    _add_scaling_arguments(analyze)
    analyze.set_defaults(run=_analyze)
    report = commands.add_parser("report", help="analyse a batch and run the notebook suite on it")
    _add_batch_arguments(report)
    report.add_argument("--notebooks", type=Path, default=NOTEBOOK_DIR,
                        help="folder of numbered notebooks (default: the project's)")
    report.set_defaults(run=_report)
    suggest = commands.add_parser("suggest", help="suggest terms, actors and labels: write a "
                                  "draft lexicon pack to edit")
    _add_batch_arguments(suggest)
    suggest.add_argument("--target", metavar="OUTLET_OR_GROUP",
                         help="suggest terms of this outlet or group against the rest "
                              "(default: each outlet in turn)")
    suggest.set_defaults(run=_suggest)
    return parser


class _WarningPrinter(logging.StreamHandler):
    """Prints the package's warnings (unreadable inputs, repairs) as they happen, the
    first ``limit`` of them, and counts the others."""

    def __init__(self, limit: int) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(logging.Formatter("warning: %(message)s"))
        self.limit = limit
        self.seen = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.seen += 1
        if self.seen <= self.limit:
            super().emit(record)

    def summary(self) -> str | None:
        """The line that counts the warnings not printed, if there were any."""
        hidden = self.seen - self.limit
        if hidden <= 0:
            return None
        return (f"warning: {hidden} more warning(s) not printed; every one is recorded in the "
                "tables (the articles' `problems` column and the `excluded` table)")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sourcebias`` command."""
    args = build_parser().parse_args(argv)
    printer = _WarningPrinter(SHOWN_WARNINGS)
    logger = logging.getLogger("sourcebias")
    level = logger.level
    logger.addHandler(printer)
    logger.setLevel(logging.WARNING)
    try:
        return args.run(args)
    except (FileNotFoundError, NotADirectoryError, ValueError) as problem:
        # Bad input (a missing batch, a wrong column, a broken lexicon) is reported
        # in one line that names the file and what to do; a traceback adds nothing.
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except FolderBusy as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: nothing was written to {args.out} (what was begun is removed)"
              if args.command == "report" else "interrupted", file=sys.stderr)
        return 130
    finally:
        logger.removeHandler(printer)
        logger.setLevel(level)
        if printer.summary():
            print(printer.summary(), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
