"""Commands that hand a client's Python function to Spark: registering a UDF, a UDTF or a
Python data source, ``df.foreach``/``foreachPartition`` and ``writeStream.foreach``.

As in :mod:`.python`, the client's pickle is never unpickled in the server process: the
server builds Spark's JVM objects (what Spark Connect's planner builds for the same
commands) around a pickle that unpickles the client's bytes only where Spark's Python
workers unpickle it.
"""

from __future__ import annotations

import functools
import pickle
from typing import TYPE_CHECKING, Any

from pyspark import cloudpickle
from pyspark.serializers import AutoBatchedSerializer, CPickleSerializer
from pyspark.sql import DataFrame
from pyspark.sql import types as T
from pyspark.sql.connect.proto import relations_pb2 as cr
from pyspark.sql.streaming import DataStreamWriter
from pyspark.util import PythonEvalType

from sparkflight.flight_server import jvm
from sparkflight.flight_server.connect import in_workers, planner, python
from sparkflight.flight_server.connect.relations import input_columns
from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError
from sparkflight.flight_server.python_functions import check_runnable
from sparkflight.plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

_PYTHON = "org.apache.spark.sql.execution.python"

# The helpers Spark's workers run travel by value: the workers need not have sparkflight.
cloudpickle.register_pickle_by_value(in_workers)


class _Call:
    """Pickles as a call of ``function`` with ``arguments``: whoever unpickles it makes the
    call (a Python worker, for what this module pickles)."""

    def __init__(self, function: Any, *arguments: Any) -> None:
        self.function = function
        self.arguments = arguments

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return self.function, self.arguments


def _client_function(message: sf.PythonFunction) -> _Call:
    """The client's function, unpickled only when what holds it is unpickled."""
    return _Call(pickle.loads, message.command)


def _jvm_function(session: Session, command: bytes, python_version: str) -> Any:
    """Spark's ``SimplePythonFunction`` of a pickled ``command``, with the session's Python
    includes and accumulator, as Spark Connect's planner makes it."""
    spark = session.spark
    sc = spark.sparkContext
    names = spark._jsparkSession.artifactManager().getPythonIncludes()
    includes = jvm.java_list(spark, [names.apply(i) for i in range(names.length())])
    return jvm.java_class(spark, "org.apache.spark.api.python.SimplePythonFunction")(
        bytearray(command),
        jvm.java_class(spark, "java.util.HashMap")(),
        includes,
        sc.pythonExec,
        python_version,
        jvm.java_class(spark, "java.util.ArrayList")(),
        sc._javaAccumulator,
    )


def jvm_udf(
    session: Session,
    message: sf.PythonFunction,
    eval_type: int,
    data_type: T.DataType,
    command: bytes | None = None,
) -> Any:
    """Spark's ``UserDefinedPythonFunction`` of ``message`` (checked runnable), run under
    ``eval_type``; ``command`` is what the workers unpickle, by default
    ``(function, data_type)``, as PySpark's classic API builds it."""
    spark = session.spark
    if command is None:
        command = python.udf_command(message.command, data_type)
    return jvm.java_class(spark, f"{_PYTHON}.UserDefinedPythonFunction")(
        message.name or "<lambda>",
        _jvm_function(session, command, message.python_version),
        jvm.data_type(spark, data_type),
        eval_type,
        message.deterministic,
        jvm.java_list(spark, []),
        jvm.java_list(spark, []),
    )


def jvm_udtf(session: Session, message: sf.PythonFunction) -> Any:
    """Spark's ``UserDefinedPythonTableFunction`` of the UDTF ``message`` (checked
    runnable): its workers unpickle the client's pickle of the class as it is."""
    spark = session.spark
    udtf = python.udtf(message).python_udtf
    returns = jvm.static(spark, "scala.Option", "empty")()
    if message.return_type:
        data_type = jvm.data_type(spark, python.function_type(message))
        returns = jvm.static(spark, "scala.Option", "apply")(data_type)
    return jvm.java_class(spark, f"{_PYTHON}.UserDefinedPythonTableFunction")(
        message.name,
        _jvm_function(session, udtf.command, message.python_version),
        returns,
        udtf.eval_type,
        message.deterministic,
    )


def jvm_scalar_udf(session: Session, message: sf.PythonFunction) -> Any:
    """The scalar UDF ``message`` (checked runnable) as Spark's JVM function."""
    arrow = session.spark.conf.get(python.ARROW_UDF_CONF) == "true"
    udf = python.scalar_udf(message, [], arrow)
    data_type = python.parsed_type(message.return_type) if message.return_type else T.StringType()
    return jvm_udf(session, message, udf.python_udf.eval_type, data_type)


def register(session: Session, message: sf.PythonFunction) -> None:
    """``spark.udf.register`` or ``spark.udtf.register``, by the eval type."""
    if not message.name:
        raise SparkFlightError(INVALID_PLAN, "a registered Python function needs a name")
    check_runnable(session, message)
    jsession = session.spark._jsparkSession
    if message.eval_type in python.UDTF_EVAL_TYPES:
        jsession.udtf().registerPython(message.name, jvm_udtf(session, message))
    else:
        jsession.udf().registerPython(message.name, jvm_scalar_udf(session, message))


def register_data_source(session: Session, message: sf.PythonFunction) -> None:
    """``spark.dataSource.register``: the class, under its ``name()`` (the message's name),
    in the session; Spark's workers unpickle the client's pickle of the class as it is."""
    if not message.name:
        raise SparkFlightError(INVALID_PLAN, "a Python data source needs its name()")
    check_runnable(session, message)
    spark = session.spark
    function = _jvm_function(session, message.command, message.python_version)
    source = jvm.java_class(
        spark, "org.apache.spark.sql.execution.datasources.v2.python.UserDefinedPythonDataSource"
    )(function)
    spark._jsparkSession.dataSource().registerPython(message.name, source)


def foreach(
    session: Session, relation: cr.Relation, message: sf.PythonFunction, partitions: bool
) -> None:
    """``df.foreach(f)`` or ``df.foreachPartition(f)``, run as PySpark's Connect client runs
    them: a ``mapInArrow`` whose workers hand ``f`` the rows (PySpark ``Row`` objects)."""
    python.check_session(session, message)
    schema = planner.dataframe(session, relation).schema
    helper = in_workers.foreach_partition if partitions else in_workers.foreach_row
    function = functools.partial(helper, _client_function(message), schema)
    returns = T.StructType()
    command = cloudpickle.dumps((function, returns))
    mapper = sf.PythonFunction(
        name=message.name,
        eval_type=PythonEvalType.SQL_MAP_ARROW_ITER_UDF,
        python_version=message.python_version,
        deterministic=message.deterministic,
    )
    func = python.inline_function(
        mapper,
        PythonEvalType.SQL_MAP_ARROW_ITER_UDF,
        returns,
        input_columns(session, relation),
        command,
    )
    mapped = cr.Relation()
    mapped.map_partitions.input.CopyFrom(relation)
    mapped.map_partitions.func.CopyFrom(func)
    planner.dataframe(session, mapped).collect()


def foreach_writer(session: Session, df: DataFrame, message: sf.PythonFunction) -> Any:
    """``writeStream.foreach(f)``'s JVM writer, ``f`` a function or a writer object: PySpark
    wraps it as its workers call it, in the worker that unpickles it."""
    python.check_session(session, message)
    serializer = AutoBatchedSerializer(CPickleSerializer())
    wrapped = _Call(DataStreamWriter._construct_foreach_function, _client_function(message))
    command = cloudpickle.dumps((wrapped, None, serializer, serializer))
    function = _jvm_function(session, command, message.python_version)
    writer = f"{_PYTHON}.streaming.PythonForeachWriter"
    return jvm.java_class(session.spark, writer)(function, df._jdf.schema())
