"""Python functions as Spark Connect's messages.

Spark's Python workers read a UDF (and the function of ``mapInPandas``, ``applyInPandas``
and their kin) as the pickle of ``(function, return_type)``, a UDTF or a Python data
source as the pickle of its class. The client pickled the function alone; this module
writes what the workers read around the client's bytes without unpickling them, so that
the function is only ever unpickled in a Python worker, never in the server process.
"""

from __future__ import annotations

import io
import pickle
import pickletools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from pyspark.sql.connect.proto import relations_pb2 as cr
from pyspark.sql.connect.types import pyspark_types_to_proto_types
from pyspark.sql.streaming.stateful_processor_util import TransformWithStateInPandasUdfUtils
from pyspark.util import PythonEvalType

from sparkflight.flight_server.connect import NotTranslatable
from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError, malformed
from sparkflight.flight_server.python_functions import check_runnable, return_type
from sparkflight.plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

Connect = ce.Expression

#: Whether a session runs plain Python UDFs through Arrow.
ARROW_UDF_CONF = "spark.sql.execution.pythonUDF.arrow.enabled"

#: Eval types of scalar UDFs, which a column expression calls.
SCALAR_EVAL_TYPES = frozenset(
    {
        PythonEvalType.SQL_BATCHED_UDF,
        PythonEvalType.SQL_ARROW_BATCHED_UDF,
        PythonEvalType.SQL_SCALAR_PANDAS_UDF,
        PythonEvalType.SQL_SCALAR_PANDAS_ITER_UDF,
        PythonEvalType.SQL_GROUPED_AGG_PANDAS_UDF,
        PythonEvalType.SQL_GROUPED_AGG_PANDAS_ITER_UDF,
        PythonEvalType.SQL_SCALAR_ARROW_UDF,
        PythonEvalType.SQL_SCALAR_ARROW_ITER_UDF,
        PythonEvalType.SQL_GROUPED_AGG_ARROW_UDF,
        PythonEvalType.SQL_GROUPED_AGG_ARROW_ITER_UDF,
    }
)
#: Eval types of ``mapInPandas`` and ``mapInArrow``.
MAP_PARTITIONS = frozenset(
    {PythonEvalType.SQL_MAP_PANDAS_ITER_UDF, PythonEvalType.SQL_MAP_ARROW_ITER_UDF}
)
#: Eval types of ``applyInPandas`` and ``applyInArrow`` on grouped data.
GROUP_MAP = frozenset(
    {PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF, PythonEvalType.SQL_GROUPED_MAP_ARROW_UDF}
)
#: Eval types of ``applyInPandas`` and ``applyInArrow`` on cogrouped data.
COGROUP_MAP = frozenset(
    {PythonEvalType.SQL_COGROUPED_MAP_PANDAS_UDF, PythonEvalType.SQL_COGROUPED_MAP_ARROW_UDF}
)
#: Eval types of UDTFs.
UDTF_EVAL_TYPES = frozenset(
    {
        PythonEvalType.SQL_TABLE_UDF,
        PythonEvalType.SQL_ARROW_TABLE_UDF,
        PythonEvalType.SQL_ARROW_UDTF,
    }
)
#: The eval types of ``transformWithStateInPandas`` and ``transformWithState`` as the
#: client sends them (its StatefulProcessor), and those Spark's workers run them under,
#: without and with an initial state.
TRANSFORM_WITH_STATE: dict[int, tuple[int, int]] = {
    PythonEvalType.SQL_TRANSFORM_WITH_STATE_PANDAS_UDF: (
        PythonEvalType.SQL_TRANSFORM_WITH_STATE_PANDAS_UDF,
        PythonEvalType.SQL_TRANSFORM_WITH_STATE_PANDAS_INIT_STATE_UDF,
    ),
    PythonEvalType.SQL_TRANSFORM_WITH_STATE_PYTHON_ROW_UDF: (
        PythonEvalType.SQL_TRANSFORM_WITH_STATE_PYTHON_ROW_UDF,
        PythonEvalType.SQL_TRANSFORM_WITH_STATE_PYTHON_ROW_INIT_STATE_UDF,
    ),
}
#: Opcodes of a pickle's framing, which the composed pickle writes once for all.
_FRAMING = frozenset({"PROTO", "FRAME", "STOP"})


def check_session(session: Session | None, message: sf.PythonFunction) -> Session:
    """``session``, once it runs ``message`` (refused as :func:`check_runnable` says)."""
    if session is None:
        raise NotTranslatable("a Python function outside a session")
    check_runnable(session, message)
    return session


def _body(data: bytes) -> bytes:
    """The opcodes of a pickle without its protocol header, frames and final STOP."""
    try:
        ops = list(pickletools.genops(data))
    except Exception as exc:  # noqa: BLE001 - any malformed pickle is the client's
        raise malformed("pickled Python function", exc) from None
    if not ops or ops[-1][0].name != "STOP":
        raise malformed("pickled Python function", "no STOP")
    ends = [position for _, _, position in ops[1:]] + [len(data)]
    return b"".join(
        data[start:end]
        for (opcode, _, start), end in zip(ops, ends, strict=True)
        if opcode.name not in _FRAMING
    )


def _value(value: object) -> bytes:
    """The opcodes that push ``value``, without memo entries, so that they can follow
    another pickle's opcodes without their memo indexes colliding."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return _body(buffer.getvalue())


def _call(function: bytes, *arguments: bytes) -> bytes:
    """The opcodes that call what ``function`` pushes with what ``arguments`` push."""
    return function + pickle.MARK + b"".join(arguments) + pickle.TUPLE + pickle.REDUCE


def _pickle(opcodes: bytes) -> bytes:
    return pickle.PROTO + bytes([5]) + opcodes + pickle.STOP


def udf_command(function: bytes, data_type: T.DataType) -> bytes:
    """The pickle of ``(function, data_type)``, with ``function`` already pickled."""
    return _pickle(_body(function) + _value(data_type) + pickle.TUPLE2)


def transform_with_state_command(
    processor: bytes, time_mode: str, initial_state: bool, data_type: T.DataType
) -> bytes:
    """The pickle of ``(function, data_type)`` where ``function`` is the method of
    PySpark's ``TransformWithStateInPandasUdfUtils(processor, time_mode)`` that Spark's
    workers call, with ``processor`` (a StatefulProcessor) already pickled."""
    name = "transformWithStateWithInitStateUDF" if initial_state else "transformWithStateUDF"
    utils = _call(_value(TransformWithStateInPandasUdfUtils), _body(processor), _value(time_mode))
    method = _call(_value(getattr), utils, _value(name))
    return _pickle(method + _value(data_type) + pickle.TUPLE2)


def parsed_type(text: str) -> T.DataType:
    """A type as a DDL string or Spark's JSON form."""
    data_type = return_type(sf.PythonFunction(return_type=text))
    if isinstance(data_type, str):
        data_type = T._parse_datatype_string(data_type)  # Spark's DDL parser, as PySpark's
    assert data_type is not None
    return data_type


def function_type(message: sf.PythonFunction) -> T.DataType:
    """The type ``message`` returns (a schema for a relation's function), refused unset."""
    if not message.return_type:
        raise SparkFlightError(
            INVALID_PLAN, f"the Python function {message.name!r} needs a return type or schema"
        )
    return parsed_type(message.return_type)


def inline_function(
    message: sf.PythonFunction,
    eval_type: int,
    data_type: T.DataType,
    arguments: Sequence[Connect] = (),
    command: bytes | None = None,
) -> ce.CommonInlineUserDefinedFunction:
    """Spark Connect's inline Python function of ``message``, run under ``eval_type``;
    ``command`` is what the workers unpickle, by default ``(function, data_type)``."""
    udf = ce.PythonUDF(
        output_type=pyspark_types_to_proto_types(data_type),
        eval_type=eval_type,
        command=command if command is not None else udf_command(message.command, data_type),
        python_ver=message.python_version,
    )
    return ce.CommonInlineUserDefinedFunction(
        function_name=message.name,
        deterministic=message.deterministic,
        arguments=arguments,
        python_udf=udf,
    )


def checked_eval_type(message: sf.PythonFunction, allowed: frozenset[int], what: str) -> int:
    if message.eval_type not in allowed:
        raise SparkFlightError(
            INVALID_PLAN,
            f"the Python function {message.name!r} of eval type {message.eval_type} does not "
            f"fit {what}",
            function=message.name,
        )
    return message.eval_type


def relation_function(
    message: sf.PythonFunction,
    allowed: frozenset[int],
    what: str,
    columns: Sequence[Connect] = (),
) -> ce.CommonInlineUserDefinedFunction:
    """The function of ``mapInPandas``, ``applyInPandas`` and their kin (``what``, whose
    eval types are ``allowed``), on the ``columns`` of its input."""
    eval_type = checked_eval_type(message, allowed, what)
    return inline_function(message, eval_type, function_type(message), columns)


def udf_call(message: sf.PythonFunction, arguments: list[Connect], arrow: bool) -> Connect:
    """A call of the scalar UDF ``message`` (checked runnable) on ``arguments``; ``arrow``
    is whether the session runs plain UDFs through Arrow."""
    return Connect(common_inline_user_defined_function=scalar_udf(message, arguments, arrow))


def scalar_udf(
    message: sf.PythonFunction, arguments: Sequence[Connect], arrow: bool
) -> ce.CommonInlineUserDefinedFunction:
    """The scalar UDF ``message`` (checked runnable) on ``arguments``; ``arrow`` is whether
    the session runs plain UDFs through Arrow."""
    eval_type = message.eval_type
    if eval_type == PythonEvalType.NON_UDF:
        arrow_type = PythonEvalType.SQL_ARROW_BATCHED_UDF
        eval_type = arrow_type if arrow else PythonEvalType.SQL_BATCHED_UDF
    if eval_type not in SCALAR_EVAL_TYPES:
        if eval_type in UDTF_EVAL_TYPES:
            raise SparkFlightError(
                INVALID_PLAN, f"{message.name!r} is a UDTF, not a UDF", function=message.name
            )
        raise NotTranslatable(f"a Python function of eval type {eval_type}")
    data_type = parsed_type(message.return_type) if message.return_type else T.StringType()
    return inline_function(message, eval_type, data_type, arguments)


def udtf(
    message: sf.PythonFunction, arguments: Sequence[Connect] = ()
) -> cr.CommonInlineUserDefinedTableFunction:
    """Spark Connect's inline UDTF of ``message`` (checked runnable) on ``arguments``: its
    workers unpickle the client's pickle of the class as it is."""
    eval_type = checked_eval_type(message, UDTF_EVAL_TYPES, "a UDTF")
    function = cr.PythonUDTF(
        eval_type=eval_type, command=message.command, python_ver=message.python_version
    )
    if message.return_type:
        function.return_type.CopyFrom(pyspark_types_to_proto_types(function_type(message)))
    return cr.CommonInlineUserDefinedTableFunction(
        function_name=message.name,
        deterministic=message.deterministic,
        arguments=arguments,
        python_udtf=function,
    )
