"""Python UDFs as Spark Connect's ``CommonInlineUserDefinedFunction``.

Spark's Python workers read a UDF as the pickle of ``(function, return_type)``. The client
pickled the function alone; this module writes that tuple around the client's bytes
without unpickling them, so that the function is only ever unpickled in a Python worker,
never in the server process.
"""

from __future__ import annotations

import io
import pickle
import pickletools

from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from pyspark.sql.connect.types import pyspark_types_to_proto_types
from pyspark.util import PythonEvalType

from sparkflight.flight_server.connect import NotTranslatable
from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError
from sparkflight.flight_server.python_functions import return_type
from sparkflight.plans import sparkflight_pb2 as sf

Connect = ce.Expression

#: Eval types of scalar UDFs, which a column expression calls.
_SCALAR_EVAL_TYPES = frozenset(
    {
        PythonEvalType.SQL_BATCHED_UDF,
        PythonEvalType.SQL_ARROW_BATCHED_UDF,
        PythonEvalType.SQL_SCALAR_PANDAS_UDF,
        PythonEvalType.SQL_SCALAR_PANDAS_ITER_UDF,
        PythonEvalType.SQL_GROUPED_AGG_PANDAS_UDF,
    }
)
#: Opcodes of a pickle's framing, which the composed pickle writes once for all.
_FRAMING = frozenset({"PROTO", "FRAME", "STOP"})


def _body(data: bytes) -> bytes:
    """The opcodes of a pickle without its protocol header, frames and final STOP."""
    try:
        ops = list(pickletools.genops(data))
    except Exception as exc:  # noqa: BLE001 - any malformed pickle is the client's
        raise SparkFlightError(INVALID_PLAN, f"malformed pickled Python function: {exc}") from None
    if not ops or ops[-1][0].name != "STOP":
        raise SparkFlightError(INVALID_PLAN, "malformed pickled Python function: no STOP")
    ends = [position for _, _, position in ops[1:]] + [len(data)]
    return b"".join(
        data[start:end]
        for (opcode, _, start), end in zip(ops, ends, strict=True)
        if opcode.name not in _FRAMING
    )


def _unmemoized(value: object) -> bytes:
    """``value`` pickled without memo entries, so that its opcodes can follow another
    pickle's without their memo indexes colliding."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


def udf_command(function: bytes, data_type: T.DataType) -> bytes:
    """The pickle of ``(function, data_type)``, with ``function`` already pickled."""
    return (
        pickle.PROTO
        + bytes([5])
        + _body(function)
        + _body(_unmemoized(data_type))
        + pickle.TUPLE2
        + pickle.STOP
    )


def udf_call(message: sf.PythonFunction, arguments: list[Connect], arrow: bool) -> Connect:
    """A call of the scalar UDF ``message`` (checked runnable) on ``arguments``; ``arrow``
    is whether the session runs plain UDFs through Arrow."""
    eval_type = message.eval_type
    if eval_type == PythonEvalType.NON_UDF:
        arrow_type = PythonEvalType.SQL_ARROW_BATCHED_UDF
        eval_type = arrow_type if arrow else PythonEvalType.SQL_BATCHED_UDF
    if eval_type not in _SCALAR_EVAL_TYPES:
        raise NotTranslatable(f"a Python function of eval type {eval_type}")
    data_type = return_type(message) or T.StringType()
    if isinstance(data_type, str):
        data_type = T._parse_datatype_string(data_type)  # Spark's DDL parser, as PySpark's
    udf = ce.PythonUDF(
        output_type=pyspark_types_to_proto_types(data_type),
        eval_type=eval_type,
        command=udf_command(message.command, data_type),
        python_ver=message.python_version,
    )
    return Connect(
        common_inline_user_defined_function=ce.CommonInlineUserDefinedFunction(
            function_name=message.name,
            deterministic=message.deterministic,
            arguments=arguments,
            python_udf=udf,
        )
    )
