"""``DataFrameReader`` (``spark.read``), ``DataFrameWriter`` (``df.write``) and
``DataFrameWriterV2`` (``df.writeTo(table)``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from sparkflight.client import plan
from sparkflight.client.column import ColumnOrName, column_expr
from sparkflight.client.errors import (
    cannot_be_none,
    wrong_type,
)
from sparkflight.client.expressions import PlanContext
from sparkflight.client.types import StructType
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import COMMAND

if TYPE_CHECKING:
    from sparkflight.client.dataframe import DataFrame
    from sparkflight.client.session import SparkSession

PathOrPaths = str | list[str]


def _option_value(value: Any) -> str:
    """An option as Spark reads it from Python: booleans lower case, None as null."""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _paths(path: PathOrPaths | None) -> list[str]:
    if path is None:
        return []
    return [path] if isinstance(path, str) else list(path)


class _Options:
    """The ``option``/``options`` pair that readers and writers share."""

    _options: dict[str, str]

    def option(self, key: str, value: Any) -> Self:
        if value is not None:
            self._options[key] = _option_value(value)
        return self

    def options(self, **options: Any) -> Self:
        for key, value in options.items():
            self.option(key, value)
        return self


class DataFrameReader(_Options):
    """Builds a DataFrame over a data source; nothing is read until an action."""

    def __init__(self, session: SparkSession) -> None:
        self._session = session
        self._format = ""
        self._schema = ""
        self._options: dict[str, str] = {}

    def format(self, source: str) -> DataFrameReader:
        self._format = source
        return self

    def schema(self, schema: StructType | str) -> DataFrameReader:
        if isinstance(schema, StructType):
            self._schema = schema.json()
        elif isinstance(schema, str):
            self._schema = schema
        else:
            raise wrong_type("NOT_STR_OR_STRUCT", "schema", schema)
        return self

    def load(
        self,
        path: PathOrPaths | None = None,
        format: str | None = None,
        schema: StructType | str | None = None,
        **options: Any,
    ) -> DataFrame:
        from sparkflight.client.dataframe import DataFrame

        if format is not None:
            self.format(format)
        if schema is not None:
            self.schema(schema)
        self.options(**options)
        relation = plan.DataSource(
            format=self._format,
            paths=_paths(path),
            options=dict(self._options),
            schema=self._schema,
        )
        return DataFrame(relation, self._session)

    def _load_format(
        self, source: str, path: PathOrPaths | DataFrame, options: dict[str, Any]
    ) -> DataFrame:
        """Read ``path`` as ``source``; a DataFrame's one string column is parsed instead
        (json, csv and xml)."""
        from sparkflight.client.dataframe import DataFrame

        schema = options.pop("schema", None)
        if not isinstance(path, DataFrame):
            return self.load(path, format=source, schema=schema, **options)
        if schema is not None:
            self.schema(schema)
        self.options(**options)
        parse = plan.Parse(
            child=path._plan, format=source, schema=self._schema, options=self._options
        )
        return DataFrame(parse, self._session)

    def parquet(self, *paths: str, **options: Any) -> DataFrame:
        return self._load_format("parquet", list(paths), options)

    def orc(self, path: PathOrPaths, **options: Any) -> DataFrame:
        return self._load_format("orc", path, options)

    def json(
        self,
        path: PathOrPaths | DataFrame,
        schema: StructType | str | None = None,
        **options: Any,
    ) -> DataFrame:
        return self._load_format("json", path, {"schema": schema, **options})

    def csv(
        self,
        path: PathOrPaths | DataFrame,
        schema: StructType | str | None = None,
        **options: Any,
    ) -> DataFrame:
        return self._load_format("csv", path, {"schema": schema, **options})

    def text(self, paths: PathOrPaths, **options: Any) -> DataFrame:
        return self._load_format("text", paths, options)

    def xml(
        self,
        path: PathOrPaths | DataFrame,
        rowTag: str | None = None,
        schema: StructType | str | None = None,
        **options: Any,
    ) -> DataFrame:
        return self._load_format("xml", path, {"schema": schema, "rowTag": rowTag, **options})

    def jdbc(
        self,
        url: str,
        table: str,
        column: str | None = None,
        lowerBound: str | int | None = None,
        upperBound: str | int | None = None,
        numPartitions: int | None = None,
        predicates: list[str] | None = None,
        properties: dict[str, str] | None = None,
    ) -> DataFrame:
        """A database table over JDBC, split on ``column``'s range or by ``predicates``."""
        from sparkflight.client.dataframe import DataFrame

        self.format("jdbc").options(**(properties or {})).options(url=url, dbtable=table)
        if column is not None:
            bounds = {
                "lowerBound": lowerBound,
                "upperBound": upperBound,
                "numPartitions": numPartitions,
            }
            for name, value in bounds.items():
                if value is None:
                    raise cannot_be_none(name)
            self.options(partitionColumn=column, **bounds)
        elif predicates is not None:
            relation = plan.DataSource(
                format="jdbc", options=dict(self._options), predicates=list(predicates)
            )
            return DataFrame(relation, self._session)
        return self.load()

    def changes(self, tableName: str) -> DataFrame:
        """The change data feed of a table whose catalog keeps one."""
        from sparkflight.client.dataframe import DataFrame

        relation = plan.Changes(table_name=tableName, options=dict(self._options))
        return DataFrame(relation, self._session)

    def table(self, tableName: str) -> DataFrame:
        return self._session.table(tableName)


class DataFrameWriter(_Options):
    """Writes a DataFrame to a data source or a table; each save runs at once."""

    def __init__(self, df: DataFrame) -> None:
        self._df = df
        self._mode = "errorifexists"
        self._format = ""
        self._options: dict[str, str] = {}
        self._partition_by: list[str] = []
        self._bucket_by: list[str] = []
        self._num_buckets = 0
        self._sort_by: list[str] = []
        self._cluster_by: list[str] = []

    def mode(self, saveMode: str | None) -> DataFrameWriter:
        if saveMode is not None:
            self._mode = saveMode
        return self

    def format(self, source: str) -> DataFrameWriter:
        self._format = source
        return self

    def partitionBy(self, *cols: str | list[str]) -> DataFrameWriter:
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        self._partition_by = list(cols)  # type: ignore[arg-type]
        return self

    def bucketBy(self, numBuckets: int, col: str | list[str], *cols: str) -> DataFrameWriter:
        names = list(col) if isinstance(col, (list, tuple)) else [col, *cols]
        self._num_buckets, self._bucket_by = numBuckets, names
        return self

    def sortBy(self, col: str | list[str], *cols: str) -> DataFrameWriter:
        self._sort_by = list(col) if isinstance(col, (list, tuple)) else [col, *cols]
        return self

    def clusterBy(self, *cols: str | list[str]) -> DataFrameWriter:
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        self._cluster_by = list(cols)  # type: ignore[arg-type]
        return self

    def _write(self, path: str = "", table_name: str = "", save_as_table: bool = False) -> None:
        command = sf.WriteCommand(
            plan=self._df._plan_bytes(),
            format=self._format,
            mode=self._mode,
            options=self._options,
            path=path,
            table_name=table_name,
            partition_by=self._partition_by,
            bucket_by=self._bucket_by,
            num_buckets=self._num_buckets,
            sort_by=self._sort_by,
            save_as_table=save_as_table,
            cluster_by=self._cluster_by,
        )
        self._df._session._connection.action(COMMAND, sf.CommandRequest(write=command))

    def _configure(
        self, format: str | None, mode: str | None, partitionBy: Any, options: dict[str, Any]
    ) -> None:
        if format is not None:
            self.format(format)
        self.mode(mode)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        self.options(**options)

    def save(
        self,
        path: str | None = None,
        format: str | None = None,
        mode: str | None = None,
        partitionBy: str | list[str] | None = None,
        **options: Any,
    ) -> None:
        self._configure(format, mode, partitionBy, options)
        self._write(path=path or "")

    def saveAsTable(
        self,
        name: str,
        format: str | None = None,
        mode: str | None = None,
        partitionBy: str | list[str] | None = None,
        **options: Any,
    ) -> None:
        self._configure(format, mode, partitionBy, options)
        self._write(table_name=name, save_as_table=True)

    def insertInto(self, tableName: str, overwrite: bool | None = None) -> None:
        if overwrite is not None:
            self.mode("overwrite" if overwrite else "append")
        elif self._mode == "errorifexists":
            self.mode("append")
        self._write(table_name=tableName, save_as_table=False)

    def _save_format(
        self, source: str, path: str, mode: str | None, partitionBy: Any, options: dict[str, Any]
    ) -> None:
        self.save(path, format=source, mode=mode, partitionBy=partitionBy, **options)

    def parquet(
        self,
        path: str,
        mode: str | None = None,
        partitionBy: str | list[str] | None = None,
        compression: str | None = None,
    ) -> None:
        self._save_format("parquet", path, mode, partitionBy, {"compression": compression})

    def orc(
        self,
        path: str,
        mode: str | None = None,
        partitionBy: str | list[str] | None = None,
        compression: str | None = None,
    ) -> None:
        self._save_format("orc", path, mode, partitionBy, {"compression": compression})

    def json(self, path: str, mode: str | None = None, **options: Any) -> None:
        self._save_format("json", path, mode, None, options)

    def csv(self, path: str, mode: str | None = None, **options: Any) -> None:
        self._save_format("csv", path, mode, None, options)

    def text(self, path: str, compression: str | None = None, lineSep: str | None = None) -> None:
        self._save_format(
            "text", path, None, None, {"compression": compression, "lineSep": lineSep}
        )

    def xml(
        self, path: str, rowTag: str | None = None, mode: str | None = None, **options: Any
    ) -> None:
        self._save_format("xml", path, mode, None, {"rowTag": rowTag, **options})

    def jdbc(
        self,
        url: str,
        table: str,
        mode: str | None = None,
        properties: dict[str, str] | None = None,
    ) -> None:
        self.format("jdbc").mode(mode).options(**(properties or {}))
        self.options(url=url, dbtable=table)._write()


_V2 = sf.WriteV2Command


class DataFrameWriterV2(_Options):
    """``df.writeTo(table)``: creates, replaces or writes into a catalog table."""

    def __init__(self, df: DataFrame, table: str) -> None:
        self._df = df
        self._table = table
        self._provider: str | None = None
        self._options: dict[str, str] = {}
        self._properties: dict[str, str] = {}
        self._partitioning: list[ColumnOrName] = []
        self._cluster_by: list[str] = []

    def using(self, provider: str) -> DataFrameWriterV2:
        self._provider = provider
        return self

    def tableProperty(self, property: str, value: str) -> DataFrameWriterV2:
        self._properties[property] = value
        return self

    def partitionedBy(self, col: ColumnOrName, *cols: ColumnOrName) -> DataFrameWriterV2:
        """Partition by columns or partition transforms (``functions.years(col)``, ...)."""
        self._partitioning = [col, *cols]
        return self

    def clusterBy(self, col: str, *cols: str) -> DataFrameWriterV2:
        self._cluster_by = [col, *cols]
        return self

    def _write(self, mode: int, condition: ColumnOrName | None = None) -> None:
        ctx = PlanContext()
        partitioning = [column_expr(c).to_proto(ctx) for c in self._partitioning]
        command = _V2(
            table_name=self._table,
            mode=mode,
            provider=self._provider,
            options=self._options,
            table_properties=self._properties,
            partitioning=partitioning,
            cluster_by=self._cluster_by,
        )
        if condition is not None:
            command.overwrite_condition.CopyFrom(column_expr(condition).to_proto(ctx))
        command.plan = plan.to_plan(
            self._df._plan, ctx, self._df._session._server_protocol
        ).SerializeToString()
        self._df._session._connection.action(COMMAND, sf.CommandRequest(write_v2=command))

    def create(self) -> None:
        self._write(_V2.MODE_CREATE)

    def replace(self) -> None:
        self._write(_V2.MODE_REPLACE)

    def createOrReplace(self) -> None:
        self._write(_V2.MODE_CREATE_OR_REPLACE)

    def append(self) -> None:
        self._write(_V2.MODE_APPEND)

    def overwrite(self, condition: ColumnOrName) -> None:
        self._write(_V2.MODE_OVERWRITE, condition)

    def overwritePartitions(self) -> None:
        self._write(_V2.MODE_OVERWRITE_PARTITIONS)
