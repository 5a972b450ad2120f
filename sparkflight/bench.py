"""``sparkflight bench SUITE``: run a suite on sparkflight, Spark Connect and classic PySpark."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated, TypeVar

import typer

DEFAULT_DATA_DIR = Path.home() / ".cache" / "sparkflight-bench"
TARGET_NAMES = ("sparkflight", "spark-connect", "classic")
SUITE_NAMES = ("latency", "throughput", "tpch", "concurrency", "memory")

N = TypeVar("N", int, float)


def _names(text: str, known: tuple[str, ...], what: str, hint: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise typer.BadParameter(
            f"unknown {what} {', '.join(unknown) or '(none given)'}; choose from "
            f"{', '.join(known)}",
            param_hint=hint,
        )
    return names


def _numbers(text: str, kind: type[N], hint: str) -> tuple[N, ...]:
    """The comma-separated numbers of an option (``_`` allowed as in ``1_000``)."""
    try:
        return tuple(kind(n.strip().replace("_", "")) for n in text.split(",") if n.strip())
    except ValueError:
        raise typer.BadParameter(
            f"expected {'integers' if kind is int else 'numbers'}, got {text!r}", param_hint=hint
        ) from None


def bench(
    suite: Annotated[str, typer.Argument(help=f"One of: {', '.join(SUITE_NAMES)}.")],
    targets: Annotated[
        str, typer.Option(help="Comma-separated targets, compared with sparkflight.")
    ] = ",".join(TARGET_NAMES),
    runs: Annotated[
        int | None, typer.Option(min=1, help="Measured runs per case (default: per suite).")
    ] = None,
    warmup: Annotated[
        int | None, typer.Option(min=0, help="Unmeasured runs first (default: per suite).")
    ] = None,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Write all measurements as JSON.")
    ] = None,
    chart: Annotated[Path | None, typer.Option(help="Write a chart (PNG).")] = None,
    markdown: Annotated[
        Path | None, typer.Option(help="Write a Markdown section for RESULTS.md.")
    ] = None,
    rows: Annotated[
        str, typer.Option(help="throughput: comma-separated row counts.")
    ] = "100000,1000000,5000000",
    scale_factor: Annotated[float, typer.Option("--sf", help="tpch: scale factor.")] = 1.0,
    queries: Annotated[
        str, typer.Option(help="tpch: comma-separated query numbers (default: all 22).")
    ] = "",
    clients: Annotated[int, typer.Option(min=1, help="concurrency: clients at once.")] = 4,
    memory_factor: Annotated[
        str,
        typer.Option(
            help="memory: comma-separated result sizes, as multiples of the driver memory."
        ),
    ] = "5,10,20",
    partition_mib: Annotated[
        int, typer.Option(min=1, help="memory: MiB of each partition of the result.")
    ] = 16,
    driver_memory: Annotated[
        str | None, typer.Option(help="spark.driver.memory (default 1g; memory suite 512m).")
    ] = None,
    data_dir: Annotated[
        Path, typer.Option(help="Where generated TPC-H data is kept.")
    ] = DEFAULT_DATA_DIR,
) -> None:
    """Measure a suite on each target, alternating runs; print medians and ratios."""
    from rich.console import Console

    suite_name = _names(suite, SUITE_NAMES, "suite", "SUITE")
    if len(suite_name) != 1:
        raise typer.BadParameter("give one suite", param_hint="SUITE")
    target_names = _names(targets, TARGET_NAMES, "target", "--targets")
    row_counts = _numbers(rows, int, "--rows")
    if not row_counts or min(row_counts) < 1:
        raise typer.BadParameter("give positive row counts", param_hint="--rows")
    query_numbers = _numbers(queries, int, "--queries")
    if any(not 1 <= n <= 22 for n in query_numbers):
        raise typer.BadParameter("TPC-H queries are numbered 1 to 22", param_hint="--queries")
    memory_factors = _numbers(memory_factor, float, "--memory-factor")
    if not memory_factors or min(memory_factors) <= 0:
        raise typer.BadParameter("give positive multiples", param_hint="--memory-factor")

    from sparkflight.benchmarks.progress import RichProgress
    from sparkflight.benchmarks.report import markdown as markdown_section
    from sparkflight.benchmarks.report import rich_table, write_chart, write_json
    from sparkflight.benchmarks.runner import run_suite
    from sparkflight.benchmarks.suites import Options

    options = Options(
        rows=row_counts,
        scale_factor=scale_factor,
        queries=query_numbers,
        clients=clients,
        memory_factors=memory_factors,
        partition_bytes=partition_mib << 20,
        driver_memory=driver_memory,
        data_dir=data_dir,
    )
    console = Console()
    with RichProgress(console) as progress:
        results = run_suite(suite_name[0], target_names, runs, warmup, options, progress)
    results.command = "sparkflight bench " + shlex.join(sys.argv[2:] if len(sys.argv) > 2 else [])
    console.print(rich_table(results))
    if json_file is not None:
        write_json(results, json_file)
    if chart is not None:
        write_chart(results, chart)
    if markdown is not None:
        markdown.write_text(markdown_section(results, chart.name if chart else None))
    failed = [
        f"{case} on {target}: {m.wrong}"
        for case, by_target in results.measurements.items()
        for target, m in by_target.items()
        if m.wrong is not None
    ]
    if failed:
        console.print("[red]Wrong answers:[/red]\n" + "\n".join(failed))
        raise typer.Exit(code=1)
