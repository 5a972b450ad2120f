"""``DataFrameReader`` (``spark.read``) and ``DataFrameWriter`` (``df.write``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from client import plan
from client.errors import PySparkTypeError
from client.types import StructType
from plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from client.dataframe import DataFrame
    from client.session import SparkSession

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
            raise PySparkTypeError(
                message="[NOT_STR_OR_STRUCT] Argument `schema` should be a str or struct, got "
                f"{type(schema).__name__}.",
                errorClass="NOT_STR_OR_STRUCT",
                messageParameters={"arg_name": "schema", "arg_type": type(schema).__name__},
            )
        return self

    def load(
        self,
        path: PathOrPaths | None = None,
        format: str | None = None,
        schema: StructType | str | None = None,
        **options: Any,
    ) -> DataFrame:
        from client.dataframe import DataFrame

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

    def _load_format(self, source: str, path: PathOrPaths, options: dict[str, Any]) -> DataFrame:
        schema = options.pop("schema", None)
        return self.load(path, format=source, schema=schema, **options)

    def parquet(self, *paths: str, **options: Any) -> DataFrame:
        return self._load_format("parquet", list(paths), options)

    def orc(self, path: PathOrPaths, **options: Any) -> DataFrame:
        return self._load_format("orc", path, options)

    def json(
        self, path: PathOrPaths, schema: StructType | str | None = None, **options: Any
    ) -> DataFrame:
        return self._load_format("json", path, {"schema": schema, **options})

    def csv(
        self, path: PathOrPaths, schema: StructType | str | None = None, **options: Any
    ) -> DataFrame:
        return self._load_format("csv", path, {"schema": schema, **options})

    def text(self, paths: PathOrPaths, **options: Any) -> DataFrame:
        return self._load_format("text", paths, options)

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

    def _write(self, path: str = "", table_name: str = "", save_as_table: bool = False) -> None:
        command = sf.WriteCommand(
            plan=self._df._plan(),
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
        )
        self._df._session._connection.action(
            "command", sf.CommandRequest(write=command), sf.CommandResponse
        )

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
