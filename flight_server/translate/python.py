"""Python functions of the client on the stepwise path, as Spark's JVM functions.

A ``PythonFunction`` message carries a function pickled by the client with cloudpickle.
The server refuses it when it runs no client code (``--no-python``) or when the client's
Python version differs from its own, and otherwise builds Spark's JVM function around a
pickle composed from the client's bytes (:mod:`sparkflight.flight_server.connect.python`),
as PySpark's classic API builds it: the function is only ever unpickled in Spark's Python
workers, never in the server process. Only ``foreachBatch``, which runs in the server
(:func:`function_of`), unpickles it here.
"""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING, Any

from pyspark.sql import Column, DataFrame, GroupedData
from pyspark.sql.streaming.state import GroupStateTimeout
from pyspark.sql.table_arg import TableArg
from pyspark.util import PythonEvalType

from sparkflight.flight_server import jvm
from sparkflight.flight_server.connect import commands
from sparkflight.flight_server.connect import python as connect_python
from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError
from sparkflight.flight_server.python_functions import check_runnable
from sparkflight.plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

_TIMEOUTS = frozenset(
    {
        GroupStateTimeout.NoTimeout,
        GroupStateTimeout.ProcessingTimeTimeout,
        GroupStateTimeout.EventTimeTimeout,
    }
)


def function_of(session: Session, message: sf.PythonFunction) -> Any:
    """The unpickled function of ``message``, once the server agrees to run it: only
    ``foreachBatch``'s, which the server calls itself."""
    check_runnable(session, message)
    try:
        return pickle.loads(message.command)
    except Exception as exc:  # noqa: BLE001 - any failure to unpickle is the client's
        name = message.name or "<unnamed>"
        raise SparkFlightError(
            INVALID_PLAN,
            f"cannot unpickle the Python function {name!r}: {type(exc).__name__}: {exc}",
            function=name,
        ) from None


def _call(judf: Any, spark: Any, columns: list[Column]) -> Column:
    return Column(judf.apply(jvm.scala_seq(spark, [c._jc for c in columns])))


def udf_column(session: Session, payload: bytes, args: list[Column]) -> Column:
    """A call of the UDF a serialized ``PythonFunction`` describes."""
    message = sf.PythonFunction()
    try:
        message.ParseFromString(payload)
    except Exception:  # noqa: BLE001 - DecodeError and friends
        raise SparkFlightError(INVALID_PLAN, "malformed PythonFunction in python_udf") from None
    check_runnable(session, message)
    return _call(commands.jvm_scalar_udf(session, message), session.spark, args)


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
    check_runnable(session, message)
    spark = session.spark
    judtf = commands.jvm_udtf(session, message)
    seq = jvm.scala_seq(spark, _call_arguments(args, tables))
    return DataFrame(judtf.apply(spark._jsparkSession, seq), spark)


def _function(
    session: Session, message: sf.PythonFunction, methods: dict[int, str], *dfs: DataFrame
) -> tuple[str, Column]:
    """The JVM method for the function's eval type, and the function's call on the
    columns of ``dfs``, as PySpark calls it."""
    check_runnable(session, message)
    method = methods.get(message.eval_type)
    if method is None:
        raise SparkFlightError(
            INVALID_PLAN, f"eval type {message.eval_type} does not fit this relation"
        )
    schema = connect_python.function_type(message)
    judf = commands.jvm_udf(session, message, message.eval_type, schema)
    return method, _call(judf, session.spark, [df[c] for df in dfs for c in df.columns])


_MAP_METHODS: dict[int, str] = {
    PythonEvalType.SQL_MAP_PANDAS_ITER_UDF: "mapInPandas",
    PythonEvalType.SQL_MAP_ARROW_ITER_UDF: "mapInArrow",
}
_GROUP_METHODS: dict[int, str] = {
    PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF: "flatMapGroupsInPandas",
    PythonEvalType.SQL_GROUPED_MAP_ARROW_UDF: "flatMapGroupsInArrow",
}
_COGROUP_METHODS: dict[int, str] = {
    PythonEvalType.SQL_COGROUPED_MAP_PANDAS_UDF: "flatMapCoGroupsInPandas",
    PythonEvalType.SQL_COGROUPED_MAP_ARROW_UDF: "flatMapCoGroupsInArrow",
}


def map_partitions(
    session: Session, message: sf.PythonFunction, df: DataFrame, barrier: bool
) -> DataFrame:
    """``df.mapInPandas`` or ``df.mapInArrow``."""
    method, column = _function(session, message, _MAP_METHODS, df)
    return DataFrame(getattr(df._jdf, method)(column._jc, barrier, None), session.spark)


def group_map(session: Session, message: sf.PythonFunction, grouped: GroupedData) -> DataFrame:
    """``grouped.applyInPandas`` or ``applyInArrow``."""
    method, column = _function(session, message, _GROUP_METHODS, grouped._df)
    return DataFrame(getattr(grouped._jgd, method)(column._jc), session.spark)


def cogroup_map(
    session: Session, message: sf.PythonFunction, left: GroupedData, right: GroupedData
) -> DataFrame:
    """``left.cogroup(right).applyInPandas`` or ``applyInArrow``."""
    method, column = _function(session, message, _COGROUP_METHODS, left._df, right._df)
    return DataFrame(getattr(left._jgd, method)(right._jgd, column._jc), session.spark)


#: The JVM method of each transformWithState eval type.
_TRANSFORMS: dict[int, str] = {
    PythonEvalType.SQL_TRANSFORM_WITH_STATE_PANDAS_UDF: "transformWithStateInPandas",
    PythonEvalType.SQL_TRANSFORM_WITH_STATE_PYTHON_ROW_UDF: "transformWithStateInPySpark",
}


def stateful(
    session: Session,
    m: sf.StatefulGroupMapRelation,
    grouped: GroupedData,
    initial_state: GroupedData | None = None,
) -> DataFrame:
    """``grouped.applyInPandasWithState`` or ``transformWithState(InPandas)``."""
    message = m.function
    check_runnable(session, message)
    spark = session.spark
    schema = connect_python.function_type(message)
    columns = [grouped._df[c] for c in grouped._df.columns]
    jschema = jvm.data_type(spark, schema)
    if message.eval_type == PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF_WITH_STATE:
        if initial_state is not None:
            raise SparkFlightError(INVALID_PLAN, "applyInPandasWithState takes no initial state")
        if not m.state_schema:
            raise SparkFlightError(INVALID_PLAN, "applyInPandasWithState needs a state schema")
        if m.timeout_conf not in _TIMEOUTS:
            raise SparkFlightError(
                INVALID_PLAN,
                f"unknown timeout {m.timeout_conf!r} of applyInPandasWithState: expected one "
                f"of {sorted(_TIMEOUTS)}",
            )
        state = jvm.data_type(spark, connect_python.parsed_type(m.state_schema))
        judf = commands.jvm_udf(session, message, message.eval_type, schema)
        column = _call(judf, spark, columns)
        jdf = grouped._jgd.applyInPandasWithState(
            column._jc, jschema, state, m.output_mode, m.timeout_conf
        )
        return DataFrame(jdf, spark)
    method = _TRANSFORMS.get(message.eval_type)
    if method is None:
        raise SparkFlightError(
            INVALID_PLAN, f"eval type {message.eval_type} does not fit a stateful relation"
        )
    plain, with_initial_state = connect_python.TRANSFORM_WITH_STATE[message.eval_type]
    command = connect_python.transform_with_state_command(
        message.command, m.time_mode, initial_state is not None, schema
    )
    eval_type = plain if initial_state is None else with_initial_state
    column = _call(commands.jvm_udf(session, message, eval_type, schema, command), spark, columns)
    initial = initial_state._jgd if initial_state is not None else None
    jdf = getattr(grouped._jgd, method)(
        column._jc, jschema, m.output_mode, m.time_mode, initial, m.event_time_column
    )
    return DataFrame(jdf, spark)
