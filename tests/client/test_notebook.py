"""A notebook executed in a real Jupyter kernel against the live server: DataFrames,
columns, rows and schemas render, completion sees column names, errors name the cell,
and queries show a progress line."""

from __future__ import annotations

import re
import textwrap
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO_ROOT

#: A guard against a kernel that hangs, not a performance expectation.
CELL_TIMEOUT_S = 600

CELLS = [
    # 0: connect
    """
    from sparkflight.client import SparkSession
    from sparkflight.client import functions as F
    spark = SparkSession.builder.remote(SERVER_URL).getOrCreate()
    spark.showProgress = False
    people = spark.createDataFrame(
        [(1, "Ada", 36), (2, "Grace", 45), (3, "<b>Edsger</b>", 72)], ["id", "name", "age"]
    )
    """,
    # 1: plain repr without eager evaluation
    "people",
    # 2: eager evaluation renders an HTML table
    """
    spark.conf.set("spark.sql.repl.eagerEval.enabled", True)
    spark.conf.set("spark.sql.repl.eagerEval.maxNumRows", 2)
    people.orderBy("id")
    """,
    # 3: column, row and schema
    "people.name",
    "people.orderBy('id').first()",
    "people.schema",
    # 6: completion of column names, as the kernel completes for Jupyter's Tab key
    """
    from IPython.core.completer import provisionalcompleter
    with provisionalcompleter():
        completions = get_ipython().Completer.completions("people.na", 9)
        matches = sorted({c.text for c in completions})
    matches
    """,
    # 7: an error names the cell and the operation
    """
    bad = people.select("nmae")
    bad.collect()
    """,
    # 8: a progress line
    """
    spark.showProgress = None
    spark.range(0, 10000, numPartitions=2).groupBy((F.col("id") % 3).alias("k")).count().count()
    """,
    "spark.stop()",
]


@pytest.fixture(scope="module")
def notebook(server_url: str) -> Any:
    nb = nbformat.v4.new_notebook()
    for source in CELLS:
        cell = nbformat.v4.new_code_cell(_dedent(source).replace("SERVER_URL", repr(server_url)))
        if "nmae" in source:
            cell.metadata["tags"] = ["raises-exception"]
        nb.cells.append(cell)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(REPO_ROOT)}},
    )
    client.execute()
    return nb


def _dedent(source: str) -> str:
    return textwrap.dedent(source).strip()


def _result(nb: Any, index: int) -> dict[str, str]:
    [output] = [o for o in nb.cells[index].outputs if o.output_type == "execute_result"]
    return output.data


def test_plain_repr_without_eager_evaluation(notebook: Any) -> None:
    data = _result(notebook, 1)
    assert data["text/plain"] == "DataFrame[id: bigint, name: string, age: bigint]"
    assert "text/html" not in data


def test_eager_evaluation_renders_an_html_table(notebook: Any) -> None:
    html = _result(notebook, 2)["text/html"]
    assert html.startswith("<table border='1'>")
    assert "<th>id</th><th>name</th><th>age</th>" in html
    assert "<td>Ada</td>" in html and "<td>Grace</td>" in html
    assert "Edsger" not in html  # maxNumRows = 2
    assert "only showing top 2 rows" in html


def test_column_row_and_schema_display(notebook: Any) -> None:
    assert _result(notebook, 3)["text/plain"] == "Column<'name'>"
    assert _result(notebook, 4)["text/plain"] == "Row(id=1, name='Ada', age=36)"
    assert _result(notebook, 5)["text/plain"] == (
        "StructType([StructField('id', LongType(), True), "
        "StructField('name', StringType(), True), StructField('age', LongType(), True)])"
    )


def test_completion_offers_column_names(notebook: Any) -> None:
    assert _result(notebook, 6)["text/plain"] == "['na', 'name']"


def test_error_names_the_cell_and_operation(notebook: Any) -> None:
    [error] = [o for o in notebook.cells[7].outputs if o.output_type == "error"]
    assert error.ename == "AnalysisException"
    assert error.evalue.startswith("[UNRESOLVED_COLUMN.WITH_SUGGESTION]")
    assert re.search(r"at Cell In\[\d+\]:1 \(df\.select\(\.\.\.\)\)", error.evalue)
    assert 'bad = people.select("nmae")' in error.evalue


def test_progress_line(notebook: Any) -> None:
    outputs = notebook.cells[8].outputs
    lines = [o.data["text/plain"] for o in outputs if o.output_type == "display_data"]
    assert len(lines) == 1
    assert re.fullmatch(
        r"Spark: done in \d+\.\d s: (\d+)/\1 tasks, \d+ stages?, 1 row \(\d+ B\)", lines[0]
    )
    assert _result(notebook, 8)["text/plain"] == "3"
