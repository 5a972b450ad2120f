"""``GetSqlInfo``: what the server says about itself, as typed values of a dense union.

Only what is true of Spark SQL through this server is advertised: no transactions (the
ADBC driver would start one on connect), no Flight SQL savepoints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pyarrow as pa
import pyspark
from pyspark.sql import SparkSession

from sparkflight.flight_server.flight_sql import schemas

# Type codes of the value union (schemas.SQL_INFO_VALUE).
_STRING, _BOOL, _BIGINT, _INT32, _STRING_LIST = 0, 1, 2, 3, 4

#: Substrait versions whose plans the server reads.
SUBSTRAIT_MIN_VERSION = "0.37.0"
SUBSTRAIT_MAX_VERSION = "0.75.0"

# SqlSupportedCaseSensitivity, SqlNullOrdering, SqlSupportedTransaction and
# SqlOuterJoinsSupportLevel values of the specification.
_CASE_INSENSITIVE = 1
_NULLS_SORTED_LOW = 1
_TRANSACTION_NONE = 0
_FULL_OUTER_JOINS = 2
# Bitmasks: GROUP BY unrelated and beyond SELECT; UNION and UNION ALL; subqueries in
# comparisons, EXISTS, IN and quantified comparisons; ODBC core grammar; ANSI-92 entry.
_GROUP_BY_ALL = 0b11
_UNIONS_ALL = 0b11
_SUBQUERIES_ALL = 0b1111
_CORE_GRAMMAR = 0b10
_ANSI92_ENTRY = 0b1


def _server_version() -> str:
    try:
        return metadata.version("sparkflight")
    except metadata.PackageNotFoundError:
        return "unknown"


def _keywords(spark: SparkSession) -> list[str]:
    return sorted(row[0] for row in spark.sql("SELECT keyword FROM sql_keywords()").collect())


@dataclass(frozen=True)
class _Info:
    code: int
    value: Callable[[SparkSession], Any]


def _const(code: int, value: Any) -> _Info:
    return _Info(code, lambda spark: value)


#: SqlInfo id -> its value, by the ids and names of the specification's ``SqlInfo`` enum.
SQL_INFO: dict[int, _Info] = {
    0: _const(_STRING, "sparkflight"),  # FLIGHT_SQL_SERVER_NAME
    1: _Info(_STRING, lambda spark: f"{_server_version()} (Spark {pyspark.__version__})"),
    2: _const(_STRING, pa.__version__),  # FLIGHT_SQL_SERVER_ARROW_VERSION
    3: _const(_BOOL, False),  # FLIGHT_SQL_SERVER_READ_ONLY
    4: _const(_BOOL, True),  # FLIGHT_SQL_SERVER_SQL
    5: _const(_BOOL, True),  # FLIGHT_SQL_SERVER_SUBSTRAIT
    6: _const(_STRING, SUBSTRAIT_MIN_VERSION),  # FLIGHT_SQL_SERVER_SUBSTRAIT_MIN_VERSION
    7: _const(_STRING, SUBSTRAIT_MAX_VERSION),  # FLIGHT_SQL_SERVER_SUBSTRAIT_MAX_VERSION
    8: _const(_INT32, _TRANSACTION_NONE),  # FLIGHT_SQL_SERVER_TRANSACTION
    9: _const(_BOOL, True),  # FLIGHT_SQL_SERVER_CANCEL
    100: _const(_INT32, 0),  # FLIGHT_SQL_SERVER_STATEMENT_TIMEOUT (none)
    101: _const(_INT32, 0),  # FLIGHT_SQL_SERVER_TRANSACTION_TIMEOUT (none)
    500: _const(_BOOL, False),  # SQL_DDL_CATALOG
    501: _const(_BOOL, True),  # SQL_DDL_SCHEMA
    502: _const(_BOOL, True),  # SQL_DDL_TABLE
    503: _const(_INT32, _CASE_INSENSITIVE),  # SQL_IDENTIFIER_CASE
    504: _const(_STRING, "`"),  # SQL_IDENTIFIER_QUOTE_CHAR
    505: _const(_INT32, _CASE_INSENSITIVE),  # SQL_QUOTED_IDENTIFIER_CASE
    506: _const(_BOOL, True),  # SQL_ALL_TABLES_ARE_SELECTABLE
    507: _const(_INT32, _NULLS_SORTED_LOW),  # SQL_NULL_ORDERING
    508: _Info(_STRING_LIST, _keywords),  # SQL_KEYWORDS
    513: _const(_STRING, "\\"),  # SQL_SEARCH_STRING_ESCAPE
    514: _const(_STRING, ""),  # SQL_EXTRA_NAME_CHARACTERS
    515: _const(_BOOL, True),  # SQL_SUPPORTS_COLUMN_ALIASING
    516: _const(_BOOL, True),  # SQL_NULL_PLUS_NULL_IS_NULL
    518: _const(_BOOL, True),  # SQL_SUPPORTS_TABLE_CORRELATION_NAMES
    519: _const(_BOOL, False),  # SQL_SUPPORTS_DIFFERENT_TABLE_CORRELATION_NAMES
    520: _const(_BOOL, True),  # SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY
    521: _const(_BOOL, True),  # SQL_SUPPORTS_ORDER_BY_UNRELATED
    522: _const(_INT32, _GROUP_BY_ALL),  # SQL_SUPPORTED_GROUP_BY
    523: _const(_BOOL, True),  # SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE
    524: _const(_BOOL, True),  # SQL_SUPPORTS_NON_NULLABLE_COLUMNS
    525: _const(_INT32, _CORE_GRAMMAR),  # SQL_SUPPORTED_GRAMMAR
    526: _const(_INT32, _ANSI92_ENTRY),  # SQL_ANSI92_SUPPORTED_LEVEL
    528: _const(_INT32, _FULL_OUTER_JOINS),  # SQL_OUTER_JOINS_SUPPORT_LEVEL
    529: _const(_STRING, "schema"),  # SQL_SCHEMA_TERM
    531: _const(_STRING, "catalog"),  # SQL_CATALOG_TERM
    532: _const(_BOOL, True),  # SQL_CATALOG_AT_START
    536: _const(_BOOL, False),  # SQL_SELECT_FOR_UPDATE_SUPPORTED
    537: _const(_BOOL, False),  # SQL_STORED_PROCEDURES_SUPPORTED
    538: _const(_INT32, _SUBQUERIES_ALL),  # SQL_SUPPORTED_SUBQUERIES
    539: _const(_BOOL, True),  # SQL_CORRELATED_SUBQUERIES_SUPPORTED
    540: _const(_INT32, _UNIONS_ALL),  # SQL_SUPPORTED_UNIONS
    562: _const(_INT32, _TRANSACTION_NONE),  # SQL_DEFAULT_TRANSACTION_ISOLATION
    563: _const(_BOOL, False),  # SQL_TRANSACTIONS_SUPPORTED
    564: _const(_INT32, 0),  # SQL_SUPPORTED_TRANSACTIONS_ISOLATION_LEVELS
    565: _const(_BOOL, False),  # SQL_DATA_DEFINITION_CAUSES_TRANSACTION_COMMIT
    566: _const(_BOOL, False),  # SQL_DATA_DEFINITIONS_IN_TRANSACTIONS_IGNORED
    572: _const(_BOOL, True),  # SQL_BATCH_UPDATES_SUPPORTED
    573: _const(_BOOL, False),  # SQL_SAVEPOINTS_SUPPORTED
    574: _const(_BOOL, False),  # SQL_NAMED_PARAMETERS_SUPPORTED
    575: _const(_BOOL, True),  # SQL_LOCATORS_UPDATE_COPY
    576: _const(_BOOL, False),  # SQL_STORED_FUNCTIONS_USING_CALL_SYNTAX_SUPPORTED
}


def sql_info_table(spark: SparkSession, ids: Iterable[int]) -> pa.Table:
    """The rows of the asked ``ids`` that the server knows (all of them when none asked)."""
    wanted = sorted(set(ids)) or sorted(SQL_INFO)
    known = [i for i in wanted if i in SQL_INFO]
    children: list[list[Any]] = [[] for _ in schemas.SQL_INFO_VALUE]
    type_ids: list[int] = []
    offsets: list[int] = []
    for info_id in known:
        info = SQL_INFO[info_id]
        type_ids.append(info.code)
        offsets.append(len(children[info.code]))
        children[info.code].append(info.value(spark))
    arrays = [
        pa.array(values, type=field.type)
        for values, field in zip(children, schemas.SQL_INFO_VALUE, strict=True)
    ]
    value = pa.UnionArray.from_dense(
        pa.array(type_ids, type=pa.int8()),
        pa.array(offsets, type=pa.int32()),
        arrays,
        [field.name for field in schemas.SQL_INFO_VALUE],
        list(schemas.SQL_INFO_VALUE.type_codes),
    )
    info_name = pa.array(known, type=pa.uint32())
    return pa.Table.from_arrays([info_name, value], schema=schemas.SQL_INFO)
