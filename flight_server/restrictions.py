"""Restricted mode: what an untrusted user may not make the server do, and SQL text limits.

One rule for every way a plan arrives (DataFrame and Substrait plans, ``spark.sql``, SQL
commands, Flight SQL statements): the decision is taken on Spark's own plans, never on
SQL text.

- SQL text (:func:`check_sql`) is limited in size and parsed by the session's parser
  (a parse that overflows the parser's stack is refused clearly). In restricted mode its
  parsed plan is checked first, because Spark runs commands as it builds their DataFrame
  (``ADD JAR``, ``SET``, ``CREATE TABLE ... LOCATION``, ``EXECUTE IMMEDIATE``, SQL
  scripts); then the plan is analysed without running any command
  (``CommandExecutionMode.SKIP``, parameters bound to NULL) and the analysed plan checked.
- Every DataFrame a plan becomes (:func:`check_dataframe`, from the planner) is checked
  on its analysed logical plan, subqueries and commands' queries included: no expression
  that calls a Java method its user names (``reflect``, ``java_method``, ``try_reflect``,
  Hive functions by class name), no script transformation, no Python function, and no
  relation outside the catalog but files under the directories the operator allows
  (``--allow-path``).
- Reads, writes, stream sinks and catalog calls that name paths, and conf settings, are
  checked before Spark touches them (:func:`check_source`, :func:`check_write`,
  :func:`check_conf`).

A refusal is ``RESTRICTED`` (``PERMISSION_DENIED``), naming what was refused. Confs the
server returns are redacted as Spark redacts them (:func:`redacted`).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from py4j.protocol import Py4JError, Py4JJavaError
from pyspark.errors import AnalysisException
from pyspark.errors.exceptions.captured import CapturedException
from pyspark.sql.types import NullType

from sparkflight.flight_server import jvm
from sparkflight.flight_server.errors import RESTRICTED, SQL_TOO_COMPLEX, SparkFlightError
from sparkflight.flight_server.limits import Limits, check_at_most

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    from sparkflight.flight_server.sessions import Session

__all__ = [
    "check_conf",
    "check_dataframe",
    "check_source",
    "check_sql",
    "check_sql_size",
    "check_write",
    "redacted",
]

#: Nodes of a parsed SQL statement refused in restricted mode, by simple class name: what
#: runs code or reaches files by itself, or runs statements Spark parses later.
_PARSED_REFUSED: dict[str, str] = {
    "AddJarsCommand": "ADD JAR",
    "AddFilesCommand": "ADD FILE",
    "AddArchivesCommand": "ADD ARCHIVE",
    "ScriptTransformation": "TRANSFORM ... USING (a script run on the server)",
    "InsertIntoDir": "INSERT OVERWRITE DIRECTORY",
    "LoadData": "LOAD DATA",
    "CreateFunction": "CREATE FUNCTION ... AS a class (USING JAR/FILE/ARCHIVE or not)",
    "CreateFunctionCommand": "CREATE FUNCTION ... AS a class",
    "UnresolvedExecuteImmediate": "EXECUTE IMMEDIATE",
    "CompoundBody": "SQL scripting (BEGIN ... END)",
    "SetTableLocation": "ALTER TABLE ... SET LOCATION",
    "SetNamespaceLocation": "ALTER NAMESPACE ... SET LOCATION",
    "RepairTable": "MSCK REPAIR TABLE / ALTER TABLE ... RECOVER PARTITIONS",
}
#: Nodes of an analysed plan refused in restricted mode, by simple class name.
_ANALYSED_REFUSED: dict[str, str] = {
    "CallMethodViaReflection": "reflect / java_method (calls a Java method the user names)",
    "TryReflect": "try_reflect (calls a Java method the user names)",
    "ScriptTransformation": "TRANSFORM ... USING (a script run on the server)",
    "HiveScriptTransformation": "TRANSFORM ... USING (a script run on the server)",
    "HiveSimpleUDF": "a Hive function (a Java class the user names)",
    "HiveGenericUDF": "a Hive function (a Java class the user names)",
    "HiveGenericUDTF": "a Hive function (a Java class the user names)",
    "HiveUDAFFunction": "a Hive function (a Java class the user names)",
    "PythonUDF": "a Python function",
    "PythonUDAF": "a Python function",
    "PythonUDTF": "a Python function",
    "UnresolvedPolymorphicPythonUDTF": "a Python function",
    "AddJarsCommand": "ADD JAR",
    "AddFilesCommand": "ADD FILE",
    "AddArchivesCommand": "ADD ARCHIVE",
    "CreateFunctionCommand": "CREATE FUNCTION ... AS a class",
    "InsertIntoDataSourceDirCommand": "INSERT OVERWRITE DIRECTORY",
    "InsertIntoHiveDirCommand": "INSERT OVERWRITE DIRECTORY",
    "LoadDataCommand": "LOAD DATA",
    "AlterTableSetLocationCommand": "ALTER TABLE ... SET LOCATION",
    "RepairTableCommand": "MSCK REPAIR TABLE",
}
#: Relations that may read outside the catalog: checked one by one through the JVM.
_SOURCE_RELATIONS = frozenset(
    {
        "LogicalRelation",
        "DataSourceV2Relation",
        "DataSourceV2ScanRelation",
        "StreamingRelation",
        "StreamingRelationV2",
        "StreamingDataSourceV2Relation",
        "StreamingDataSourceV2ScanRelation",
    }
)
#: Formats whose sources are files (checked against the allowed directories).
FILE_FORMATS = frozenset(
    {"parquet", "orc", "json", "csv", "text", "avro", "xml", "binaryfile", "delta", "iceberg"}
)
#: Formats without files or network, allowed as they are.
_FREE_FORMATS = frozenset({"rate", "rate-micro-batch", "noop", "memory", "console"})
#: Options of a source, sink or table that name a place in a file system.
_PATH_OPTIONS = frozenset({"path", "paths", "location", "checkpointlocation"})
#: Confs a user may set in restricted mode: Spark SQL's, but none that names a class, a
#: catalog, a file, a directory or a listener, nor the redaction patterns.
_CONF_PREFIX = "spark.sql."
_CONF_DENIED = re.compile(
    r"(?i)class|impl|provider|plugin|listener|extension|catalog|jar|dir\b|path|"
    r"location|checkpoint|warehouse|metastore|hive|redaction|artifact|python|"
    r"sources\.default|filesource|driver|executor"
)
_SPARK_REDACTION_REGEX = "spark.redaction.regex"
_SPARK_REDACTION_DEFAULT = r"(?i)secret|password|token|access[.]?key"
_SQL_REDACTION_REGEX = "spark.sql.redaction.options.regex"
_SQL_REDACTION_DEFAULT = r"(?i)url"
#: What Spark puts in place of a redacted value (``Utils.REDACTION_REPLACEMENT_TEXT``).
REDACTED = "*********(redacted)"
_PARAMETERS = {"PosParameter", "NamedParameter"}
_SKIP = "org.apache.spark.sql.execution.CommandExecutionMode"
_COMMAND = "org.apache.spark.sql.catalyst.plans.logical.Command"
_FILE_TABLE = "org.apache.spark.sql.execution.datasources.v2.FileTable"


def refused(what: str, detail: str = "") -> SparkFlightError:
    """The error of something restricted mode refuses."""
    more = f": {detail}" if detail else ""
    return SparkFlightError(
        RESTRICTED,
        f"this server runs in restricted mode and refuses {what}{more}",
        refused=what,
    )


# ------------------------------------------------------------------ paths


def _local(path: str) -> str | None:
    """The local file system path of ``path`` (``None`` for another file system)."""
    parts = urlsplit(path)
    if parts.scheme in ("", "file") and (parts.scheme or not parts.netloc):
        return parts.path if parts.scheme else path
    return None


def path_allowed(limits: Limits, path: str) -> bool:
    """Whether ``path`` (a file, directory or glob) is under a directory the operator
    allows. Brace globs and ``..`` are never allowed: they could leave the directory."""
    if not path or "{" in path or "}" in path or ".." in re.split(r"[/\\]", path):
        return False
    local = _local(path)
    for allowed in limits.allow_paths:
        allowed_local = _local(allowed)
        if local is not None and allowed_local is not None:
            root = os.path.realpath(allowed_local)
            target = os.path.realpath(local)
            if os.path.commonpath([root, target]) == root:
                return True
        elif local is None and allowed_local is None:
            prefix = allowed.rstrip("/") + "/"
            if path == allowed.rstrip("/") or path.startswith(prefix):
                return True
    return False


def _check_paths(limits: Limits, paths: Iterable[str], what: str) -> None:
    for path in paths:
        if not path_allowed(limits, path):
            allowed = ", ".join(limits.allow_paths) or "none"
            raise refused(
                f"{what} {path!r}",
                f"files are reached only through the catalog or under the allowed "
                f"directories ({allowed})",
            )


def _path_options(options: Mapping[str, str]) -> list[str]:
    return [v for k, v in options.items() if k.lower() in _PATH_OPTIONS]


def check_source(
    session: Session, file_format: str, paths: Iterable[str], options: Mapping[str, str]
) -> None:
    """A read of ``file_format`` from ``paths``: in restricted mode, files only under the
    allowed directories, and no source that is neither files nor self-contained."""
    limits = session.limits
    if not limits.restricted:
        return
    name = (file_format or "parquet").lower()
    every = [*paths, *_path_options(options)]
    if name in FILE_FORMATS:
        _check_paths(limits, every, "reading the path")
    elif name not in _FREE_FORMATS or every:
        raise refused(f"the data source {file_format!r}", "only file sources are read")


def check_write(
    session: Session, file_format: str, path: str | None, options: Mapping[str, str]
) -> None:
    """A write (or stream sink) of ``file_format`` to ``path``: in restricted mode, only
    under the allowed directories, and no sink that is neither files nor
    self-contained."""
    limits = session.limits
    if not limits.restricted:
        return
    every = ([path] if path else []) + _path_options(options)
    _check_paths(limits, every, "writing to the path")
    name = (file_format or "").lower()
    if name and name not in FILE_FORMATS and name not in _FREE_FORMATS:
        raise refused(f"the data source {file_format!r}", "only file sinks are written")


def check_table(session: Session, provider: str | None, options: Mapping[str, str]) -> None:
    """A table created or written by name: in restricted mode its data source (when it
    names one) must be files, and a ``path`` or ``location`` option or property must be
    under the allowed directories."""
    if not session.limits.restricted:
        return
    _check_paths(session.limits, _path_options(options), "a table at the path")
    _check_provider(provider)


def _check_provider(provider: str | None) -> None:
    if provider and provider.lower() not in FILE_FORMATS:
        raise refused(f"a table of the data source {provider!r}", "only file tables are made")


# ------------------------------------------------------------------ confs


def conf_allowed(key: str) -> bool:
    """Whether restricted mode lets a user set ``key``."""
    return key.startswith(_CONF_PREFIX) and not _CONF_DENIED.search(key)


def check_conf(session: Session, keys: Iterable[str]) -> None:
    """Setting ``keys``: in restricted mode, only Spark SQL confs that reach no code and
    no file (:data:`_CONF_DENIED`)."""
    if not session.limits.restricted:
        return
    for key in keys:
        if not conf_allowed(key):
            raise refused(
                f"setting {key!r}",
                "only spark.sql.* confs that name no class, catalog, file or directory may be set",
            )


@functools.lru_cache(maxsize=4)
def _app_redaction_regex(sc: SparkContext) -> str:
    """``spark.redaction.regex`` of the application's conf, fixed once Spark started."""
    return sc._jsc.sc().conf().get(_SPARK_REDACTION_REGEX, _SPARK_REDACTION_DEFAULT)


def _redaction(spark: SparkSession) -> list[re.Pattern[str]]:
    patterns = [
        _app_redaction_regex(spark.sparkContext),
        spark._jsparkSession.sessionState()
        .conf()
        .getConfString(_SQL_REDACTION_REGEX, _SQL_REDACTION_DEFAULT),
    ]
    return [re.compile(p) for p in patterns if p]


def redacted(spark: SparkSession, pairs: Iterable[tuple[str, str | None]]) -> list[tuple[str, Any]]:
    """``pairs`` of conf keys and values, each value whose key or value matches Spark's
    redaction patterns (``spark.redaction.regex`` of the server's Spark conf and
    ``spark.sql.redaction.options.regex``) replaced as Spark's ``SET`` replaces it."""
    patterns = _redaction(spark)

    def secret(key: str, value: str | None) -> bool:
        return any(p.search(key) or (value and p.search(value)) for p in patterns)

    return [(k, REDACTED if v is not None and secret(k, v) else v) for k, v in pairs]


# ------------------------------------------------------------------ SQL


def check_sql_size(limits: Limits, text: str, what: str = "SQL text") -> None:
    """Refuse SQL text longer than the ``sql_bytes`` limit or nested deeper than the
    ``sql_depth`` limit, before Spark's parser sees it."""
    size = len(text.encode("utf-8", "surrogatepass"))
    check_at_most("sql_bytes", limits.sql_bytes, size, f"{what} of {size} bytes")
    if limits.sql_depth is not None:
        depth = sql_nesting(text, limits.sql_depth)
        check_at_most("sql_depth", limits.sql_depth, depth, f"{what} nested {depth} deep")


_SQL_TOKENS = re.compile(
    r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|--[^\n]*|/\*.*?\*/|\(|\)"""
    r"|\b(?:CASE|END)\b",
    re.IGNORECASE | re.DOTALL,
)


def sql_nesting(text: str, limit: int) -> int:
    """How deeply ``text`` nests parentheses and CASE expressions (outside quotes and
    comments); stops counting past ``limit``."""
    depth = deepest = 0
    for match in _SQL_TOKENS.finditer(text):
        token = match.group().upper()
        if token in ("(", "CASE"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif token in (")", "END"):
            depth = max(depth - 1, 0)
    return deepest


def check_sql_expression(session: Session, text: str) -> None:
    """An expression string (``expr``, ``selectExpr``, ``filter`` text): refused when
    larger or deeper than the limits; its DataFrame is checked as any other."""
    check_sql_size(session.limits, text, "an SQL expression")


def check_sql(session: Session, text: str) -> None:
    """SQL text about to run in ``session``: refused when larger or deeper than the
    limits; in restricted mode parsed, checked, analysed without running commands, and
    checked again (see the module's docstring)."""
    limits = session.limits
    check_sql_size(limits, text)
    if not limits.restricted:
        return
    from pyspark.errors.exceptions.captured import convert_exception

    try:
        parser = session.spark._jsparkSession.sessionState().sqlParser()
        parsed = parser.parsePlan(text)
        nodes = _nodes(parsed)
        _check_parsed(session, parsed, nodes)
        analysed = _analysed(session, parsed, nodes)
        if analysed is not None:
            _check_analysed(session, analysed)
    except Py4JJavaError as exc:
        if exc.java_exception.getClass().getName() == "java.lang.StackOverflowError":
            raise SparkFlightError(
                SQL_TOO_COMPLEX,
                "the SQL text nests too deeply for Spark to check it (its stack overflowed); "
                "divide it into simpler statements",
            ) from None
        raise convert_exception(exc.java_exception) from None


def _nodes(plan: Any) -> list[dict[str, Any]]:
    """Every node of ``plan``'s JSON form: its nodes, expressions and the plans in their
    fields (subqueries, the queries of commands)."""
    try:
        tree = json.loads(plan.toJSON())
    except (Py4JError, CapturedException, ValueError) as exc:
        raise refused("a plan that cannot be checked", str(exc).splitlines()[0]) from None
    return list(_nodes_of(tree))


def _simple(node: Mapping[str, Any]) -> str:
    return str(node.get("class", "")).rsplit(".", 1)[-1]


def _first_refused(nodes: Iterable[Mapping[str, Any]], table: Mapping[str, str]) -> str | None:
    for node in nodes:
        name = _simple(node)
        if name in table:
            return table[name]
        if ".hive." in str(node.get("class", "")) and name.endswith(("UDF", "UDTF", "UDAF")):
            return "a Hive function (a Java class the user names)"
    return None


def _identifier_parts(text: str) -> list[str]:
    return [p.strip() for p in text.strip("[]").split(", ")]


def _check_parsed(session: Session, parsed: Any, nodes: list[dict[str, Any]]) -> None:
    limits = session.limits
    what = _first_refused(nodes, _PARSED_REFUSED)
    if what is not None:
        raise refused(what)
    for node in nodes:
        name = _simple(node)
        for key in ("location", "path"):
            value = node.get(key)
            if isinstance(value, str) and value:
                _check_paths(limits, [value], f"{name} at the path")
        identifier = node.get("multipartIdentifier")
        if isinstance(identifier, str):
            parts = _identifier_parts(identifier)
            if len(parts) == 2 and parts[0].lower() in FILE_FORMATS:
                _check_paths(limits, [parts[1]], "reading the path")
        if name.endswith("UnresolvedIdentifier") and any(
            _simple(n) in _PARAMETERS for n in _nodes_of(node)
        ):
            raise refused("IDENTIFIER() with a parameter marker")
    _check_root(session, parsed)


def _nodes_of(node: Any) -> Iterator[dict[str, Any]]:
    """The nodes (objects with a ``class``) of a plan's JSON form, however nested."""
    pending: list[Any] = [node]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if "class" in value:
                yield value
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _option(value: Any) -> Any:
    return value.get() if value is not None and value.isDefined() else None


def _check_root(session: Session, root: Any) -> None:
    """What the parsed statement's root names that its JSON form leaves out: the conf a
    ``SET`` sets, the location and options of a table or namespace created."""
    name = root.getClass().getSimpleName()
    limits = session.limits
    if name == "SetCommand":
        pair = _option(root.kv())
        if pair is not None and _option(pair._2()) is not None:
            check_conf(session, [pair._1()])
    elif name in ("CreateTable", "CreateTableAsSelect", "ReplaceTable", "ReplaceTableAsSelect"):
        spec = root.tableSpec()
        _check_provider(_option(spec.provider()))
        location = _option(spec.location())
        if location is not None:
            _check_paths(limits, [location], "a table at the path")
        options = spec.optionExpression().options()
        for index in range(options.size()):
            pair = options.apply(index)
            if pair._1().lower() in _PATH_OPTIONS:
                raise refused("a table with a path option", "give it a LOCATION instead")
        properties = spec.properties()
        location = _option(properties.get("location"))
        if location is not None:
            _check_paths(limits, [location], "a table at the path")
    elif name == "CreateTempViewUsing":
        _check_provider(root.provider())
        options = root.options()
        keys = options.keys().toSeq()
        names = [keys.apply(i) for i in range(keys.size())]
        paths = [options.apply(k) for k in names if k.lower() in _PATH_OPTIONS]
        _check_paths(limits, paths, "a view of the path")
    elif name == "CreateNamespace":
        location = _option(root.properties().get("location"))
        if location is not None:
            _check_paths(limits, [location], "a namespace at the path")
    elif name == "CreateUserDefinedFunction":
        language = str(root.language().toString())
        if "sql" not in language.lower():
            raise refused(f"a function in {language}")


def _analysed(session: Session, parsed: Any, nodes: list[dict[str, Any]]) -> Any:
    """``parsed`` analysed without running any command, its parameter markers bound to
    NULL. ``None`` for a query with parameters that NULL does not analyse (``LIMIT ?``):
    its DataFrame is checked before it runs (:func:`check_dataframe`), and only commands
    run as their DataFrame is made."""
    spark = session.spark
    skip = jvm.java_class(spark, _SKIP).SKIP()
    bound = _bound(session, parsed, nodes)
    try:
        with jvm.active(spark):
            return spark._jsparkSession.sessionState().executePlan(bound, skip).analyzed()
    except (Py4JJavaError, AnalysisException) as exc:
        analysis = isinstance(exc, AnalysisException) or (
            "AnalysisException" in exc.java_exception.getClass().getName()
        )
        if bound is parsed or not analysis or _runs_at_once(session, parsed):
            raise
        return None


def _is_a(session: Session, class_name: str, value: Any) -> bool:
    return bool(
        jvm.static(session.spark, "java.lang.Class", "forName")(class_name).isInstance(value)
    )


def _runs_at_once(session: Session, parsed: Any) -> bool:
    """Whether Spark runs the parsed statement as it makes its DataFrame (a command)."""
    simple = parsed.getClass().getSimpleName()
    return _is_a(session, _COMMAND, parsed) or simple.startswith("InsertInto")


def _bound(session: Session, parsed: Any, nodes: list[dict[str, Any]]) -> Any:
    """``parsed`` with its parameter markers bound to NULL, for analysis."""
    names = sorted({str(n.get("name")) for n in nodes if _simple(n) == "NamedParameter"})
    positions = sum(1 for n in nodes if _simple(n) == "PosParameter")
    if not names and not positions:
        return parsed
    spark = session.spark
    literal = jvm.java_class(spark, "org.apache.spark.sql.catalyst.expressions.Literal")
    null = literal(None, jvm.data_type(spark, NullType()))
    analysis = "org.apache.spark.sql.catalyst.analysis"
    if names:
        return jvm.java_class(spark, f"{analysis}.NameParameterizedQuery")(
            parsed, jvm.scala_seq(spark, names), jvm.scala_seq(spark, [null] * len(names))
        )
    return jvm.java_class(spark, f"{analysis}.PosParameterizedQuery")(
        parsed, jvm.scala_seq(spark, [null] * positions)
    )


# ------------------------------------------------------------------ analysed plans


def check_dataframe(session: Session, jdf: Any) -> None:
    """The analysed plan of a DataFrame (a JVM ``Dataset``) of ``session``, in restricted
    mode."""
    if session.limits.restricted:
        _check_analysed(session, jdf.queryExecution().analyzed())


def _check_analysed(session: Session, plan: Any) -> None:
    nodes = _nodes(plan)
    what = _first_refused(nodes, _ANALYSED_REFUSED)
    if what is not None:
        raise refused(what)
    names = {_simple(n) for n in nodes}
    if names & _SOURCE_RELATIONS:
        for node in _plans(plan):
            if node.getClass().getSimpleName() in _SOURCE_RELATIONS:
                _check_relation(session, node)


def _plans(plan: Any) -> Iterator[Any]:
    """Every logical plan node under ``plan``: children, inner children (the queries of
    commands) and the plans of subqueries."""
    pending = [plan]
    while pending:
        node = pending.pop()
        yield node
        for field in ("children", "innerChildren", "subqueries"):
            try:
                sequence = getattr(node, field)()
            except Py4JError:  # an inner child that is no query plan has no subqueries
                continue
            pending.extend(sequence.apply(i) for i in range(sequence.size()))


def _check_relation(session: Session, node: Any) -> None:
    name = node.getClass().getSimpleName()
    limits = session.limits
    if name == "LogicalRelation":
        if node.catalogTable().isDefined():
            return
        relation = node.relation()
        if relation.getClass().getSimpleName() != "HadoopFsRelation":
            raise refused(f"reading {relation.getClass().getSimpleName()} outside the catalog")
        roots = relation.location().rootPaths()
        paths = [roots.apply(i).toString() for i in range(roots.size())]
        _check_paths(limits, paths, "reading the path")
    elif name in ("DataSourceV2Relation", "DataSourceV2ScanRelation"):
        relation = node if name == "DataSourceV2Relation" else node.relation()
        if relation.catalog().isDefined() and relation.identifier().isDefined():
            return
        table = relation.table()
        if not _is_a(session, _FILE_TABLE, table):
            raise refused(f"reading {table.getClass().getSimpleName()} outside the catalog")
        paths = table.paths()
        _check_paths(limits, [paths.apply(i) for i in range(paths.size())], "reading the path")
    elif name == "StreamingRelation":
        source = node.dataSource()
        paths = source.paths()
        every = [paths.apply(i) for i in range(paths.size())]
        path = _option(source.options().get("path"))
        check_source(session, source.className(), every + ([path] if path else []), {})
    elif name == "StreamingRelationV2":
        if node.catalog().isDefined() and node.identifier().isDefined():
            return
        source = str(node.sourceName())
        if source.lower() not in _FREE_FORMATS:
            raise refused(f"the streaming source {source!r} outside the catalog")
    else:
        raise refused(f"reading {name} outside the catalog")
