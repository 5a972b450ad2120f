"""The DoAction table: the handler of each action type of the contract (plans/actions.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from google.protobuf.message import DecodeError, Message
from pyspark import StorageLevel
from pyspark.sql import DataFrame
from pyspark.sql.conf import RuntimeConfig
from pyspark.sql.readwriter import DataFrameWriterV2

from sparkflight.flight_server import profiles, restrictions, stream_events, streams
from sparkflight.flight_server.cluster import cluster_status
from sparkflight.flight_server.connect import commands, planner
from sparkflight.flight_server.errors import (
    INTERNAL_ERROR,
    INVALID_ACTION_BODY,
    STACK_TRACES,
    UNKNOWN_ACTION,
    SparkFlightError,
    malformed_action_body,
    operation_in,
)
from sparkflight.flight_server.operations import interrupt, job_context, operation, tagged
from sparkflight.flight_server.resume import release_result
from sparkflight.flight_server.session_teardown import free_session
from sparkflight.flight_server.sessions import CallHeaders, CallLifetime, Session, SessionManager
from sparkflight.flight_server.translate import (
    PlanWithExpressions,
    plan_with_expressions,
    translate_for_explain,
    translate_plan,
)
from sparkflight.flight_server.versions import ServerVersions
from sparkflight.plans import actions as contract
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.protocol import effective
from sparkflight.plans.storage import storage_level_message


@dataclass(frozen=True)
class ActionCall:
    """What a handler gets: the sessions, the caller's session, the request, what the
    call's headers said and the versions the server reports."""

    sessions: SessionManager
    session: Session
    request: Message
    headers: CallHeaders = CallHeaders()
    #: The authenticated user of the call ("" without authentication).
    user: str = ""
    versions: ServerVersions = field(default_factory=ServerVersions)
    #: Whether the call still runs (long waits end when the client cancels).
    lifetime: CallLifetime | None = None


def _version(call: ActionCall) -> Message:
    return call.versions.info()


def _status(call: ActionCall) -> Message:
    status = cluster_status(call.session.spark)
    mine = [s for s in call.sessions.every() if s.user == call.user]
    status.streaming_queries.extend(streams.running_queries(mine))
    return status


def _open(call: ActionCall) -> Message:
    request: sf.OpenSessionRequest = call.request  # type: ignore[assignment]
    call.versions.check_client(request)
    restrictions.check_conf(call.session, request.conf)
    session = call.sessions.open(dict(request.conf), call.user)
    session.client_protocol = effective(request.protocol_version)
    info = call.versions.info()
    info.session_id = session.id
    return info


def _close(call: ActionCall) -> Message:
    request: sf.CloseSessionRequest = call.request  # type: ignore[assignment]
    if not request.session_id and call.session.is_default:
        raise SparkFlightError(INVALID_ACTION_BODY, "the default session cannot be closed")
    free_session(call.sessions.close(request.session_id or call.session.id, call.user))
    return sf.CommandResponse()


def _optional(value: str | None) -> sf.OptionalString:
    return sf.OptionalString(value=value) if value is not None else sf.OptionalString()


def _config_set(conf: RuntimeConfig, request: sf.ConfigRequest, out: sf.ConfigResponse) -> None:
    if len(request.values) != len(request.keys):
        raise SparkFlightError(INVALID_ACTION_BODY, "config SET needs one value per key")
    for key, value in zip(request.keys, request.values, strict=True):
        if value.HasField("value"):
            conf.set(key, value.value)
        else:
            conf.unset(key)


def _config_unset(conf: RuntimeConfig, request: sf.ConfigRequest, out: sf.ConfigResponse) -> None:
    for key in request.keys:
        conf.unset(key)


def _config_get(conf: RuntimeConfig, request: sf.ConfigRequest, out: sf.ConfigResponse) -> None:
    defaults = list(request.values)
    for index, key in enumerate(request.keys):
        default = defaults[index] if index < len(defaults) else sf.OptionalString()
        value = conf.get(key, default.value) if default.HasField("value") else conf.get(key)
        out.keys.append(key)
        out.values.append(_optional(value))


def _config_get_all(conf: RuntimeConfig, request: sf.ConfigRequest, out: sf.ConfigResponse) -> None:
    prefix = request.keys[0] if request.keys else ""
    for key, value in sorted(conf.getAll.items()):
        if key.startswith(prefix):
            out.keys.append(key)
            out.values.append(_optional(value))


def _redact(call: ActionCall, response: sf.ConfigResponse) -> None:
    """Replace the values Spark redacts (``spark.redaction.regex``) in ``response``."""
    values = [v.value if v.HasField("value") else None for v in response.values]
    pairs = restrictions.redacted(call.session.spark, zip(response.keys, values, strict=True))
    del response.values[:]
    response.values.extend(_optional(value) for _, value in pairs)


def _config_is_modifiable(
    conf: RuntimeConfig, request: sf.ConfigRequest, out: sf.ConfigResponse
) -> None:
    for key in request.keys:
        out.keys.append(key)
        out.values.append(_optional(str(conf.isModifiable(key)).lower()))


_CONFIG: dict[int, Callable[[RuntimeConfig, sf.ConfigRequest, sf.ConfigResponse], None]] = {
    sf.ConfigRequest.OPERATION_GET: _config_get,
    sf.ConfigRequest.OPERATION_SET: _config_set,
    sf.ConfigRequest.OPERATION_UNSET: _config_unset,
    sf.ConfigRequest.OPERATION_GET_ALL: _config_get_all,
    sf.ConfigRequest.OPERATION_IS_MODIFIABLE: _config_is_modifiable,
}


def _config(call: ActionCall) -> Message:
    request: sf.ConfigRequest = call.request  # type: ignore[assignment]
    operation = operation_in(_CONFIG, request.operation, "config")
    response = sf.ConfigResponse()
    session = call.session
    if request.operation == sf.ConfigRequest.OPERATION_SET:
        restrictions.check_conf(session, request.keys)
    operation(session.spark.conf, request, response)
    _redact(call, response)
    if request.operation == sf.ConfigRequest.OPERATION_SET:
        with session.lock:
            for key, value in zip(request.keys, request.values, strict=True):
                if value.HasField("value"):
                    session.conf_set[key] = value.value
                else:
                    session.conf_set.pop(key, None)
    elif request.operation == sf.ConfigRequest.OPERATION_UNSET:
        with session.lock:
            for key in request.keys:
                session.conf_set.pop(key, None)
    return response


def _explain(df: DataFrame, mode: str) -> str:
    jvm = df.sparkSession._jvm
    return jvm.PythonSQLUtils.explainString(df._jdf.queryExecution(), mode or "simple")


_ANALYZE: dict[int, Callable[[DataFrame, sf.AnalyzeRequest], sf.AnalyzeResponse]] = {
    sf.AnalyzeRequest.MODE_SCHEMA: lambda df, r: sf.AnalyzeResponse(schema_json=df.schema.json()),
    sf.AnalyzeRequest.MODE_EXPLAIN: lambda df, r: sf.AnalyzeResponse(
        text=_explain(df, r.explain_mode)
    ),
    sf.AnalyzeRequest.MODE_IS_LOCAL: lambda df, r: sf.AnalyzeResponse(flag=df.isLocal()),
    sf.AnalyzeRequest.MODE_IS_STREAMING: lambda df, r: sf.AnalyzeResponse(flag=df.isStreaming),
    sf.AnalyzeRequest.MODE_INPUT_FILES: lambda df, r: sf.AnalyzeResponse(strings=df.inputFiles()),
    sf.AnalyzeRequest.MODE_SEMANTIC_HASH: lambda df, r: sf.AnalyzeResponse(
        number=df.semanticHash()
    ),
    sf.AnalyzeRequest.MODE_STORAGE_LEVEL: lambda df, r: sf.AnalyzeResponse(
        storage_level=storage_level_message(df.storageLevel)
    ),
}


def _analyze(call: ActionCall) -> Message:
    request: sf.AnalyzeRequest = call.request  # type: ignore[assignment]
    if request.mode == sf.AnalyzeRequest.MODE_EXPLAIN:
        df = translate_for_explain(call.session, request.plan)
    else:
        df = translate_plan(call.session, request.plan)
    if request.mode == sf.AnalyzeRequest.MODE_SAME_SEMANTICS:
        other = translate_plan(call.session, request.other_plan)
        return sf.AnalyzeResponse(flag=df.sameSemantics(other))
    mode = _ANALYZE.get(request.mode)
    if mode is None:
        raise SparkFlightError(INVALID_ACTION_BODY, f"unknown analyze mode {request.mode}")
    return mode(df, request)


def _create_view(session: Session, command: sf.CreateViewCommand) -> None:
    df = translate_plan(session, command.plan)
    if getattr(command, "global"):
        view = df.createOrReplaceGlobalTempView if command.replace else df.createGlobalTempView
    else:
        view = df.createOrReplaceTempView if command.replace else df.createTempView
    view(command.name)


def _write(session: Session, command: sf.WriteCommand) -> None:
    options = dict(command.options)
    if command.table_name:
        restrictions.check_table(session, command.format or None, options)
    else:
        restrictions.check_write(session, command.format, command.path, options)
    writer = translate_plan(session, command.plan).write
    if command.format:
        writer = writer.format(command.format)
    if command.mode:
        writer = writer.mode(command.mode)
    if command.options:
        writer = writer.options(**dict(command.options))
    if command.partition_by:
        writer = writer.partitionBy(*command.partition_by)
    if command.bucket_by:
        writer = writer.bucketBy(command.num_buckets, *command.bucket_by)
    if command.sort_by:
        writer = writer.sortBy(*command.sort_by)
    if command.cluster_by:
        writer = writer.clusterBy(*command.cluster_by)
    if command.table_name and command.save_as_table:
        writer.saveAsTable(command.table_name)
    elif command.table_name:
        writer.insertInto(command.table_name, overwrite=command.mode == "overwrite")
    else:
        writer.save(command.path or None)


_V2 = sf.WriteV2Command
_WRITES_V2: dict[int, Callable[[DataFrameWriterV2, PlanWithExpressions, _V2], None]] = {
    _V2.MODE_CREATE: lambda w, p, c: w.create(),
    _V2.MODE_REPLACE: lambda w, p, c: w.replace(),
    _V2.MODE_CREATE_OR_REPLACE: lambda w, p, c: w.createOrReplace(),
    _V2.MODE_APPEND: lambda w, p, c: w.append(),
    _V2.MODE_OVERWRITE: lambda w, p, c: w.overwrite(p.column(c.overwrite_condition)),
    _V2.MODE_OVERWRITE_PARTITIONS: lambda w, p, c: w.overwritePartitions(),
}


def _write_v2(session: Session, command: sf.WriteV2Command) -> None:
    write = _WRITES_V2.get(command.mode)
    if write is None:
        raise SparkFlightError(INVALID_ACTION_BODY, f"unknown V2 write mode {command.mode}")
    if command.mode == _V2.MODE_OVERWRITE and not command.HasField("overwrite_condition"):
        raise SparkFlightError(INVALID_ACTION_BODY, "a V2 overwrite needs a condition")
    provider = command.provider if command.HasField("provider") else None
    restrictions.check_table(session, provider, {**command.options, **command.table_properties})
    plan = plan_with_expressions(session, command.plan)
    writer = plan.df.writeTo(command.table_name)
    if command.HasField("provider"):
        writer = writer.using(command.provider)
    if command.options:
        writer = writer.options(**dict(command.options))
    for key, value in command.table_properties.items():
        writer = writer.tableProperty(key, value)
    if command.partitioning:
        writer = writer.partitionedBy(*(plan.column(e) for e in command.partitioning))
    if command.cluster_by:
        writer = writer.clusterBy(*command.cluster_by)
    write(writer, plan, command)


_MERGE = sf.MergeAction
#: The clause builder of each WHEN of a MERGE (``writer.whenMatched(condition)``, ...).
_MERGE_WHEN: dict[int, str] = {
    _MERGE.WHEN_MATCHED: "whenMatched",
    _MERGE.WHEN_NOT_MATCHED: "whenNotMatched",
    _MERGE.WHEN_NOT_MATCHED_BY_SOURCE: "whenNotMatchedBySource",
}
_MERGE_KIND: dict[int, str] = {
    _MERGE.KIND_UPDATE: "update",
    _MERGE.KIND_UPDATE_ALL: "updateAll",
    _MERGE.KIND_DELETE: "delete",
    _MERGE.KIND_INSERT: "insert",
    _MERGE.KIND_INSERT_ALL: "insertAll",
}


def _merge_into(session: Session, command: sf.MergeIntoCommand) -> None:
    """Spark's MergeIntoWriter, clause by clause; Spark checks the clauses and the table."""
    plan = plan_with_expressions(session, command.plan)
    writer = plan.df.mergeInto(command.table_name, plan.column(command.condition))
    for action in command.actions:
        when, kind = _MERGE_WHEN.get(action.when), _MERGE_KIND.get(action.kind)
        clause = getattr(writer, when or "", None)
        if clause is None or kind is None:
            raise SparkFlightError(
                INVALID_ACTION_BODY,
                f"unknown MERGE clause (when={action.when}, kind={action.kind})",
            )
        condition = plan.column(action.condition) if action.HasField("condition") else None
        builder = clause(condition)
        apply = getattr(builder, kind, None)
        if apply is None:
            raise SparkFlightError(INVALID_ACTION_BODY, f"a {when} clause cannot {kind}")
        if kind in ("update", "insert"):
            writer = apply({k: plan.column(v) for k, v in action.assignments.items()})
        else:
            writer = apply()
    if command.schema_evolution:
        writer = writer.withSchemaEvolution()
    writer.merge()


def _sql_command(session: Session, command: sf.SqlCommand) -> None:
    restrictions.check_sql(session, command.query)
    session.spark.sql(command.query)


def _pyspark_storage_level(level: sf.StorageLevel) -> StorageLevel:
    return StorageLevel(
        level.use_disk, level.use_memory, level.use_off_heap, level.deserialized, level.replication
    )


def _persist(session: Session, command: sf.PersistCommand) -> None:
    df = translate_plan(session, command.plan)
    if command.unpersist:
        df.unpersist(command.blocking)
    else:
        df.persist(_pyspark_storage_level(command.storage_level))


def _checkpoint(session: Session, command: sf.CheckpointCommand) -> None:
    df = translate_plan(session, command.plan)
    if command.local:
        level = None
        if command.HasField("storage_level"):
            level = _pyspark_storage_level(command.storage_level)
        checkpointed = df.localCheckpoint(command.eager, level)
    else:
        checkpointed = df.checkpoint(command.eager)
    checkpointed.createOrReplaceTempView(command.view_name)


def _register_function(session: Session, command: sf.RegisterFunctionCommand) -> None:
    commands.register(session, command.function)


def _register_data_source(session: Session, command: sf.RegisterDataSourceCommand) -> None:
    commands.register_data_source(session, command.data_source)


def _foreach(session: Session, command: sf.ForeachCommand) -> None:
    df = translate_plan(session, command.plan)
    with planner.cached(session, df) as relation:
        commands.foreach(session, relation, command.function, command.partitions)


_COMMANDS: dict[str, Callable[[Session, Message], None]] = {
    "create_view": _create_view,  # type: ignore[dict-item]
    "write": _write,  # type: ignore[dict-item]
    "sql": _sql_command,  # type: ignore[dict-item]
    "write_v2": _write_v2,  # type: ignore[dict-item]
    "merge_into": _merge_into,  # type: ignore[dict-item]
    "persist": _persist,  # type: ignore[dict-item]
    "checkpoint": _checkpoint,  # type: ignore[dict-item]
    "register_function": _register_function,  # type: ignore[dict-item]
    "foreach": _foreach,  # type: ignore[dict-item]
    "register_data_source": _register_data_source,  # type: ignore[dict-item]
}


def _command(call: ActionCall) -> Message:
    request: sf.CommandRequest = call.request  # type: ignore[assignment]
    kind = request.WhichOneof("command")
    if kind is None:
        raise SparkFlightError(INVALID_ACTION_BODY, "command request without a command")
    session = call.session
    with operation(session, call.headers) as running, job_context(session, running.id):
        _COMMANDS[kind](session, getattr(request, kind))
    return sf.CommandResponse()


def _profile(call: ActionCall) -> Message:
    request: sf.ProfileRequest = call.request  # type: ignore[assignment]
    udf_id = request.id if request.HasField("id") else None
    results = profiles.profiles(call.session, request.clear, udf_id, request.type)
    return sf.ProfileResponse(results_json=results)


def _interrupt(call: ActionCall) -> Message:
    request: sf.InterruptRequest = call.request  # type: ignore[assignment]
    session = call.session
    if request.tag and request.operation_id:
        raise SparkFlightError(INVALID_ACTION_BODY, "interrupt by tag or by operation id, not both")
    if request.tag:
        ids = tagged(session, request.tag)
    elif request.operation_id:
        ids = [request.operation_id]
    else:
        with session.lock:
            ids = list(session.operations)
    return sf.InterruptResponse(interrupted_ids=interrupt(session, ids))


def _progress(call: ActionCall) -> Message:
    request: sf.ProgressRequest = call.request  # type: ignore[assignment]
    if not request.operation_id:
        raise SparkFlightError(INVALID_ACTION_BODY, "progress needs an operation id")
    return call.session.progress.report(request.operation_id, call.session.spark.sparkContext)


def _observation(call: ActionCall) -> Message:
    request: sf.ObservationRequest = call.request  # type: ignore[assignment]
    return call.session.observations.metrics(call.session.spark, request.observation_id)


def _release_result(call: ActionCall) -> Message:
    request: sf.ReleaseResultRequest = call.request  # type: ignore[assignment]
    if not request.result_id:
        raise SparkFlightError(INVALID_ACTION_BODY, "result.release needs a result id")
    released = release_result(call.session, request.result_id, call.user)
    return sf.ReleaseResultResponse(released=released)


def _stream_start(call: ActionCall) -> Message:
    request: sf.StreamStartRequest = call.request  # type: ignore[assignment]
    # Not an operation: the query's thread would inherit the operation's job tag.
    if call.sessions.loopback is None:
        raise SparkFlightError(INTERNAL_ERROR, "the server is not listening yet")
    return streams.start(call.session, request, call.sessions.loopback)


def _stream_query(call: ActionCall) -> Message:
    request: sf.StreamQueryRequest = call.request  # type: ignore[assignment]
    return streams.query_operation(call.session, request, call.lifetime)


def _stream_manager(call: ActionCall) -> Message:
    request: sf.StreamManagerRequest = call.request  # type: ignore[assignment]
    return streams.manager_operation(call.session, request, call.lifetime)


def _stream_events(call: ActionCall) -> Message:
    request: sf.StreamEventsRequest = call.request  # type: ignore[assignment]
    return stream_events.events_operation(call.session, request, call.lifetime)


def _stack_trace(call: ActionCall) -> Message:
    request: sf.StackTraceRequest = call.request  # type: ignore[assignment]
    return sf.StackTraceResponse(stack_trace=STACK_TRACES.get(request.error_id, call.user))


Handler = Callable[[ActionCall], Message]

#: The handler of each action of the contract (plans/actions.py) that runs in a session
#: (``health`` and ``logout`` are the server's own: flight_server/server.py).
ACTIONS: dict[str, Handler] = {
    contract.SESSION_OPEN.name: _open,
    contract.SESSION_CLOSE.name: _close,
    contract.CONFIG.name: _config,
    contract.ANALYZE.name: _analyze,
    contract.COMMAND.name: _command,
    contract.INTERRUPT.name: _interrupt,
    contract.PROGRESS.name: _progress,
    contract.PROFILE.name: _profile,
    contract.OBSERVATION.name: _observation,
    contract.RESULT_RELEASE.name: _release_result,
    contract.STREAM_START.name: _stream_start,
    contract.STREAM_QUERY.name: _stream_query,
    contract.STREAM_MANAGER.name: _stream_manager,
    contract.STREAM_EVENTS.name: _stream_events,
    contract.STACK_TRACE.name: _stack_trace,
    contract.VERSION.name: _version,
    contract.STATUS.name: _status,
}


def run_action(
    sessions: SessionManager,
    session: Session,
    kind: str,
    body: bytes,
    headers: CallHeaders | None = None,
    user: str = "",
    versions: ServerVersions | None = None,
    lifetime: CallLifetime | None = None,
) -> bytes:
    """Run action ``kind`` with its serialized request ``body``; the serialized response."""
    handler = ACTIONS.get(kind)
    if handler is None:
        raise SparkFlightError(UNKNOWN_ACTION, f"unknown action {kind!r}", action=kind)
    action = contract.ACTIONS[kind]
    request: Message = sf.CommandResponse()
    if action.request is not None:
        request = action.request()
        try:
            request.ParseFromString(body)
        except DecodeError as exc:
            raise malformed_action_body(kind, action.request.DESCRIPTOR.full_name, exc) from None
    call = ActionCall(
        sessions,
        session,
        request,
        headers or CallHeaders(),
        user,
        versions or ServerVersions(),
        lifetime,
    )
    return handler(call).SerializeToString()
