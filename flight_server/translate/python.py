"""Python functions of the client, handed to PySpark's own APIs.

A ``PythonFunction`` message carries a function pickled by the client with cloudpickle.
The server refuses it when it runs no client code (``--no-python``) or when the client's
Python version differs from its own (pickled code is tied to the version), and otherwise
builds the PySpark object (a UDF, a UDTF) or passes the function to the DataFrame API;
Spark's Python workers run it.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyspark.sql import Column, DataFrame, GroupedData
from pyspark.sql import types as T
from pyspark.sql.datasource import DataSource as PythonDataSource
from pyspark.sql.streaming.state import GroupStateTimeout
from pyspark.sql.table_arg import TableArg
from pyspark.sql.udf import UserDefinedFunction
from pyspark.sql.udtf import UserDefinedTableFunction
from pyspark.util import PythonEvalType

from sparkflight.flight_server import jvm
from sparkflight.flight_server.errors import (
    INVALID_PLAN,
    SparkFlightError,
)
from sparkflight.flight_server.python_functions import check_runnable, return_type
from sparkflight.plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

_ARROW_UDF_CONF = "spark.sql.execution.pythonUDF.arrow.enabled"
_TIMEOUTS = frozenset(
    {
        GroupStateTimeout.NoTimeout,
        GroupStateTimeout.ProcessingTimeTimeout,
        GroupStateTimeout.EventTimeTimeout,
    }
)
_UDTF_EVAL_TYPES = frozenset(
    {
        PythonEvalType.SQL_TABLE_UDF,
        PythonEvalType.SQL_ARROW_TABLE_UDF,
        PythonEvalType.SQL_ARROW_UDTF,
    }
)


def unpickled(data: bytes) -> Any:
    """A function pickled by the client (cloudpickle's format is pickle's); the client wrote
    its own classes as their PySpark twins."""
    return pickle.loads(data)


def function_of(session: Session, message: sf.PythonFunction) -> Any:
    """The unpickled function of ``message``, once the server agrees to run it."""
    check_runnable(session, message)
    try:
        return unpickled(message.command)
    except Exception as exc:  # noqa: BLE001 - any failure to unpickle is the client's
        name = message.name or "<unnamed>"
        raise SparkFlightError(
            INVALID_PLAN,
            f"cannot unpickle the Python function {name!r}: {type(exc).__name__}: {exc}",
            function=name,
        ) from None


def _udf(session: Session, message: sf.PythonFunction) -> UserDefinedFunction:
    if message.eval_type in _UDTF_EVAL_TYPES:
        raise SparkFlightError(
            INVALID_PLAN, f"{message.name!r} is a UDTF, not a UDF", function=message.name
        )
    func = function_of(session, message)
    eval_type = message.eval_type
    if eval_type == PythonEvalType.NON_UDF:
        arrow = session.spark.conf.get(_ARROW_UDF_CONF) == "true"
        eval_type = (
            PythonEvalType.SQL_ARROW_BATCHED_UDF if arrow else PythonEvalType.SQL_BATCHED_UDF
        )
    return UserDefinedFunction(
        func,
        returnType=return_type(message) or T.StringType(),
        name=message.name or None,
        evalType=eval_type,
        deterministic=message.deterministic,
    )


def _udtf(session: Session, message: sf.PythonFunction) -> UserDefinedTableFunction:
    if message.eval_type not in _UDTF_EVAL_TYPES:
        raise SparkFlightError(
            INVALID_PLAN, f"{message.name!r} is not a UDTF", function=message.name
        )
    return UserDefinedTableFunction(
        function_of(session, message),
        returnType=return_type(message),
        name=message.name or None,
        evalType=message.eval_type,
        deterministic=message.deterministic,
    )


def udf_column(session: Session, payload: bytes, args: list[Column]) -> Column:
    """A call of the UDF a serialized ``PythonFunction`` describes."""
    message = sf.PythonFunction()
    try:
        message.ParseFromString(payload)
    except Exception:  # noqa: BLE001 - DecodeError and friends
        raise SparkFlightError(INVALID_PLAN, "malformed PythonFunction in python_udf") from None
    return _udf(session, message)(*args)


#: How a ``TableArgument``'s fields shape ``df.asTable()``, in the order PySpark's
#: ``TableArg`` methods apply: the field, its method, and whether it partitions the table
#: (one of those at most, and ``order_by`` needs one).
_TABLE_ARGUMENT_STEPS: tuple[tuple[str, str, bool], ...] = (
    ("partition_by", "partitionBy", True),
    ("with_single_partition", "withSinglePartition", True),
    ("order_by", "orderBy", False),
)


def table_argument(df: DataFrame, shape: dict[str, list[Column] | bool]) -> TableArg:
    """``df.asTable()`` shaped by a ``TableArgument``'s fields (:data:`_TABLE_ARGUMENT_STEPS`):
    Spark's own table argument, a ``FunctionTableSubqueryArgumentExpression``."""
    partitioned = [field for field, _, partitions in _TABLE_ARGUMENT_STEPS if partitions]
    given = [field for field in partitioned if shape[field]]
    if len(given) > 1:
        raise SparkFlightError(
            INVALID_PLAN, "a table argument takes partition_by or with_single_partition, not both"
        )
    if shape["order_by"] and not given:
        raise SparkFlightError(
            INVALID_PLAN,
            "a table argument's order_by needs partition_by or with_single_partition",
        )
    table = df.asTable()
    for field, method, _ in _TABLE_ARGUMENT_STEPS:
        value = shape[field]
        if value is True:
            table = getattr(table, method)()
        elif value:
            table = getattr(table, method)(*value)
    return table


def _call_arguments(args: list[Column], tables: list[tuple[int, TableArg]]) -> list[Any]:
    """The JVM arguments of a UDTF call: each table at its position, the columns in order
    around them."""
    slots: list[Any] = [None] * (len(args) + len(tables))
    for position, table in tables:
        if not 0 <= position < len(slots) or slots[position] is not None:
            raise SparkFlightError(
                INVALID_PLAN,
                f"table argument position {position} is out of range or taken: the call has "
                f"{len(slots)} arguments",
            )
        slots[position] = table._j_table_arg
    columns = iter(args)
    return [slot if slot is not None else next(columns)._jc for slot in slots]


def udtf_dataframe(
    session: Session,
    message: sf.PythonFunction,
    args: list[Column],
    tables: list[tuple[int, TableArg]],
) -> DataFrame:
    """The rows of a UDTF call, in the session's Spark; ``tables`` are the table arguments
    with their positions among all arguments."""
    spark = session.spark
    judtf = _udtf(session, message)._judtf
    seq = jvm.scala_seq(spark, _call_arguments(args, tables))
    return DataFrame(judtf.apply(spark._jsparkSession, seq), spark)


def register(session: Session, message: sf.PythonFunction) -> None:
    """``spark.udf.register`` or ``spark.udtf.register``, by the eval type."""
    if not message.name:
        raise SparkFlightError(INVALID_PLAN, "a registered Python function needs a name")
    if message.eval_type in _UDTF_EVAL_TYPES:
        session.spark.udtf.register(message.name, _udtf(session, message))
    else:
        session.spark.udf.register(message.name, _udf(session, message))


def register_data_source(session: Session, message: sf.PythonFunction) -> None:
    """``spark.dataSource.register``: the class, under its ``name()``, in the session."""
    source = function_of(session, message)
    if not (isinstance(source, type) and issubclass(source, PythonDataSource)):
        raise SparkFlightError(
            INVALID_PLAN,
            f"{message.name!r} is not a Python data source (a subclass of DataSource)",
            function=message.name,
        )
    session.spark.dataSource.register(source)


def _checked_schema(message: sf.PythonFunction) -> T.DataType | str:
    schema = return_type(message)
    if schema is None:
        raise SparkFlightError(INVALID_PLAN, f"{message.name!r} needs a schema")
    return schema


_MAPS: dict[int, str] = {
    PythonEvalType.SQL_MAP_PANDAS_ITER_UDF: "mapInPandas",
    PythonEvalType.SQL_MAP_ARROW_ITER_UDF: "mapInArrow",
    PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF: "applyInPandas",
    PythonEvalType.SQL_GROUPED_MAP_ARROW_UDF: "applyInArrow",
    PythonEvalType.SQL_COGROUPED_MAP_PANDAS_UDF: "applyInPandas",
    PythonEvalType.SQL_COGROUPED_MAP_ARROW_UDF: "applyInArrow",
}


def applied(
    session: Session, message: sf.PythonFunction, target: Any, allowed: frozenset[int]
) -> Callable[..., DataFrame]:
    """``target``'s method for the function's eval type (``df.mapInPandas``, ...), bound to
    the unpickled function and its schema."""
    if message.eval_type not in allowed:
        raise SparkFlightError(
            INVALID_PLAN, f"eval type {message.eval_type} does not fit this relation"
        )
    method = getattr(target, _MAPS[message.eval_type])
    func, schema = function_of(session, message), _checked_schema(message)
    return lambda *args: method(func, schema, *args)


MAP_PARTITIONS = frozenset(
    {PythonEvalType.SQL_MAP_PANDAS_ITER_UDF, PythonEvalType.SQL_MAP_ARROW_ITER_UDF}
)
GROUP_MAP = frozenset(
    {PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF, PythonEvalType.SQL_GROUPED_MAP_ARROW_UDF}
)
COGROUP_MAP = frozenset(
    {PythonEvalType.SQL_COGROUPED_MAP_PANDAS_UDF, PythonEvalType.SQL_COGROUPED_MAP_ARROW_UDF}
)


#: The PySpark method of each stateful eval type, and whether it takes an initial state.
_STATEFUL: dict[int, tuple[str, bool]] = {
    PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF_WITH_STATE: ("applyInPandasWithState", False),
    PythonEvalType.SQL_TRANSFORM_WITH_STATE_PANDAS_UDF: ("transformWithStateInPandas", True),
    PythonEvalType.SQL_TRANSFORM_WITH_STATE_PYTHON_ROW_UDF: ("transformWithState", True),
}


def stateful(
    session: Session,
    m: sf.StatefulGroupMapRelation,
    grouped: GroupedData,
    initial_state: GroupedData | None = None,
) -> DataFrame:
    """``grouped.applyInPandasWithState`` or ``transformWithState(InPandas)`` with the
    unpickled function or processor."""
    known = _STATEFUL.get(m.function.eval_type)
    if known is None:
        raise SparkFlightError(
            INVALID_PLAN, f"eval type {m.function.eval_type} does not fit a stateful relation"
        )
    method_name, takes_initial_state = known
    if initial_state is not None and not takes_initial_state:
        raise SparkFlightError(INVALID_PLAN, f"{method_name} takes no initial state")
    method = getattr(grouped, method_name)
    func, schema = function_of(session, m.function), _checked_schema(m.function)
    if not takes_initial_state:
        state_schema = return_type(sf.PythonFunction(return_type=m.state_schema))
        if state_schema is None:
            raise SparkFlightError(INVALID_PLAN, f"{method_name} needs a state schema")
        if m.timeout_conf not in _TIMEOUTS:
            raise SparkFlightError(
                INVALID_PLAN,
                f"unknown timeout {m.timeout_conf!r} of {method_name}: expected one of "
                f"{sorted(_TIMEOUTS)}",
            )
        return method(func, schema, state_schema, m.output_mode, m.timeout_conf)
    return method(func, schema, m.output_mode, m.time_mode, initial_state, m.event_time_column)


def foreach(session: Session, df: DataFrame, message: sf.PythonFunction, partitions: bool) -> None:
    """``df.foreach(f)`` or ``df.foreachPartition(f)``."""
    func = function_of(session, message)
    (df.foreachPartition if partitions else df.foreach)(func)
