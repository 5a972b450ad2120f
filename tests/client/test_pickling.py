"""sparkflight.client.pickling: functions pickled for Spark's Python workers name PySpark's
classes and modules, never the client's."""

from __future__ import annotations

import pickle
import subprocess
import sys

from pyspark.sql import types as ps_types

from sparkflight.client import Row
from sparkflight.client import types as T
from sparkflight.client.datasource import DataSource
from sparkflight.client.pickling import pickled
from sparkflight.client.streaming import StatefulProcessor


def _load(f: object) -> object:
    data = pickled(f)
    assert b"sparkflight" not in data
    return pickle.loads(data)


def test_a_function_capturing_the_types_module_a_type_and_a_row_gets_pysparks():
    schema = T.StructType([T.StructField("a", T.LongType())])
    template = Row(a=1, b="x")

    def f() -> tuple[object, object, object]:
        return T.IntegerType(), schema, template

    loaded = _load(f)
    module_type, captured_schema, row = loaded()
    assert type(module_type) is ps_types.IntegerType
    assert captured_schema == ps_types.StructType([ps_types.StructField("a", ps_types.LongType())])
    assert type(row) is ps_types.Row and row.asDict() == {"a": 1, "b": "x"}


def test_a_subclass_of_a_client_class_derives_from_pysparks_in_another_process(tmp_path):
    class Counter(StatefulProcessor):
        def init(self, handle):  # noqa: ANN001
            self.handle = handle

        def handleInputRows(self, key, rows, timerValues):  # noqa: ANN001, N802, N803
            yield from ()

    class Source(DataSource):
        @classmethod
        def name(cls) -> str:
            return "counting"

    # cloudpickle hands a class back as itself in the process that pickled it.
    (tmp_path / "counter").write_bytes(pickled(Counter))
    (tmp_path / "source").write_bytes(pickled(Source))
    code = (
        "import pickle, sys\n"
        "from pyspark.sql.datasource import DataSource\n"
        "from pyspark.sql.streaming.stateful_processor import StatefulProcessor\n"
        "counter = pickle.load(open(sys.argv[1] + '/counter', 'rb'))\n"
        "source = pickle.load(open(sys.argv[1] + '/source', 'rb'))\n"
        "print(issubclass(counter, StatefulProcessor), issubclass(source, DataSource),\n"
        "      source.name(), [m for m in sys.modules if m.startswith('sparkflight')])\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd="/", capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["True", "True", "counting", "[]"]


def test_other_objects_pickle_as_cloudpickle_does():
    offset = 10

    def plus(x: int) -> int:
        return x + offset

    assert _load(plus)(5) == 15
