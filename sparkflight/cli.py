"""The ``sparkflight`` command: ``serve``, ``status``, ``auth``, ``demo``, ``bench`` and
``version``.

Each command imports the client, the server or the benchmarks when it runs, so that
``sparkflight --help`` stays fast and a client-only install runs ``status`` and ``version``.
"""

from __future__ import annotations

import importlib.util
import logging
import secrets
import threading
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sparkflight.bench import bench
from sparkflight.flight_server.limits import Limits

if TYPE_CHECKING:
    from sparkflight.flight_server.auth import Credentials
    from sparkflight.flight_server.security import TlsFiles

#: Environment variable naming the auth file when ``--auth-file`` is not given.
AUTH_FILE_ENV = "SPARKFLIGHT_AUTH_FILE"

app = typer.Typer(
    help="Spark's DataFrame API served over Apache Arrow Flight.",
    no_args_is_help=True,
    add_completion=False,
)
app.command()(bench)
auth_app = typer.Typer(
    help="Manage the users and API tokens of an auth file.", no_args_is_help=True
)
app.add_typer(auth_app, name="auth")

_PEM = {"exists": True, "dir_okay": False, "readable": True}
_DEFAULTS = Limits()


def _limit(help: str) -> Any:
    return typer.Option(min=0, help=f"{help} 0 means no limit.", rich_help_panel="Limits")


SERVER_EXTRA_HINT = "pip install 'sparkflight[server]'"


def parse_conf(pairs: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` as a dict; the last value of a repeated key wins."""
    conf = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected key=value, got {pair!r}", param_hint="--conf")
        conf[key.strip()] = value
    return conf


#: The exit statuses of ``sparkflight serve`` (flight_server/launch.py, flight_server/health.py).
SERVE_EXIT_STATUSES = (
    "Exit status: 0 after SIGINT or SIGTERM; 1 when the server cannot start; 2 for a bad "
    "command line; 3 when Spark stopped under the server (its JVM exited or was killed, or its "
    "Spark context stopped); 4 when Spark's JVM ran out of memory."
)


#: TLS options of the commands that serve (``serve``, ``worker``).
_TlsCert = Annotated[
    Path | None, typer.Option(help="PEM certificate chain: serve over TLS.", **_PEM)
]
_TlsKey = Annotated[Path | None, typer.Option(help="PEM private key of --tls-cert.", **_PEM)]
_TlsClientCa = Annotated[
    Path | None,
    typer.Option(help="PEM CA certificates: require client certificates they sign.", **_PEM),
]
_AuthFile = Annotated[
    Path | None,
    typer.Option(
        "--auth-file",
        envvar=AUTH_FILE_ENV,
        help="Users and tokens that callers must authenticate as (see `sparkflight auth`); "
        "without it nobody is authenticated.",
        **_PEM,
    ),
]


def _auth_options(auth_file: Path | None, token_ttl: float | None = None) -> dict[str, Any]:
    """The server keyword arguments of ``auth_file`` (tokens living ``token_ttl`` seconds,
    else the default); a bad auth file is a bad ``--auth-file``."""
    from sparkflight.flight_server.auth import AuthFileError, server_options

    try:
        if token_ttl is None:
            return server_options(auth_file)
        return server_options(auth_file, token_ttl)
    except AuthFileError as exc:
        raise typer.BadParameter(str(exc), param_hint="--auth-file") from None


@app.command(epilog=SERVE_EXIT_STATUSES)
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on; 0 picks a free one.")] = 8815,
    master: Annotated[str, typer.Option(help="Spark master URL.")] = "local[*]",
    conf: Annotated[
        list[str] | None,
        typer.Option("--conf", metavar="KEY=VALUE", help="Spark setting (repeatable)."),
    ] = None,
    tls_cert: _TlsCert = None,
    tls_key: _TlsKey = None,
    tls_client_ca: _TlsClientCa = None,
    auth_file: _AuthFile = None,
    token_ttl: Annotated[
        float,
        typer.Option(
            min=1,
            help="Seconds a token issued at login (user name and password) stays valid; "
            "SIGHUP reads the auth file again.",
        ),
    ] = 3600.0,
    insecure_allow_unauthenticated: Annotated[
        bool,
        typer.Option(
            "--insecure-allow-unauthenticated",
            help="Listen beyond loopback although anyone reaching the port may run queries.",
        ),
    ] = False,
    max_sessions_per_user: Annotated[
        int, _limit("Open sessions per user.")
    ] = _DEFAULTS.sessions_per_user,
    max_queries_per_session: Annotated[
        int, _limit("Queries running at once in one session.")
    ] = _DEFAULTS.queries_per_session,
    max_upload_bytes: Annotated[int, _limit("Bytes of one upload.")] = _DEFAULTS.upload_bytes,
    max_plan_bytes: Annotated[
        int, _limit("Bytes of one plan or action body.")
    ] = _DEFAULTS.plan_bytes,
    max_plan_depth: Annotated[
        int, _limit("Nesting depth of the messages of one plan.")
    ] = _DEFAULTS.plan_depth,
    max_result_bytes: Annotated[int, _limit("Arrow bytes of one result.")] = 0,
    query_timeout: Annotated[
        float, _limit("Seconds a query or command may run before it is interrupted.")
    ] = 0,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            help="Serve Prometheus metrics (/metrics) and the health probes /healthz (Spark "
            "runs) and /readyz (Spark runs and the server takes calls) over HTTP on this port "
            "(0 picks one)."
        ),
    ] = None,
    shutdown_grace: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds running queries may finish after SIGTERM before they are cancelled.",
        ),
    ] = 30.0,
    session_idle_timeout: Annotated[
        float, _limit("Seconds after which an unused session is closed.")
    ] = _DEFAULTS.session_idle_seconds,
    resume_timeout: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds a resumable result whose connection dropped waits for its client to "
            "resume it before its query is cancelled and it is freed. 0 makes no result "
            "resumable.",
            rich_help_panel="Resumable results",
        ),
    ] = _DEFAULTS.resume_seconds,
    replay_window_bytes: Annotated[
        int,
        typer.Option(
            min=0,
            help="Arrow bytes of the last batches sent that a resumable result keeps to "
            "replay after a dropped connection.",
            rich_help_panel="Resumable results",
        ),
    ] = _DEFAULTS.replay_window_bytes,
    no_python: Annotated[
        bool,
        typer.Option(
            "--no-python",
            help="Refuse plans with Python functions (UDFs, mapInPandas, foreach, ...): "
            "allowing them lets every authenticated user run code on the server and cluster.",
        ),
    ] = False,
    restricted: Annotated[
        bool | None,
        typer.Option(
            "--restricted/--no-restricted",
            help="Restricted mode for untrusted users: no user code of any kind (implies "
            "--no-python; no reflect/java_method, TRANSFORM, ADD JAR/FILE/ARCHIVE, CREATE "
            "FUNCTION by class), files only through the catalog or under --allow-path, no "
            "setting that names a class, file or directory. On by default when the server "
            "listens beyond loopback with --auth-file.",
            show_default=False,
        ),
    ] = None,
    allow_path: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-path",
            metavar="DIR",
            help="A directory (or URI prefix) whose files restricted mode lets plans read and "
            "write (repeatable).",
        ),
    ] = None,
    max_sql_bytes: Annotated[
        int, _limit("UTF-8 bytes of one SQL text or expression string.")
    ] = _DEFAULTS.sql_bytes,
    max_sql_depth: Annotated[
        int, _limit("Nesting of parentheses and CASE in one SQL text.")
    ] = _DEFAULTS.sql_depth,
    keep_streams: Annotated[
        bool,
        typer.Option(
            "--keep-streams",
            help="Keep a session's streaming queries running after the session is closed "
            "or expires (they stop with it by default); only the server can stop them then.",
        ),
    ] = False,
    result_store: Annotated[
        Path | None,
        typer.Option(
            help="Directory, on every machine with executors, where Spark tasks write the "
            "parts of large results (served by `sparkflight worker` there); local mode "
            "uses a temporary one of its own.",
            rich_help_panel="Results in parts",
        ),
    ] = None,
    result_key_file: Annotated[
        Path | None,
        typer.Option(
            help="File holding the key that signs part tickets (shared with the workers); "
            "required with --result-store.",
            rich_help_panel="Results in parts",
            **_PEM,
        ),
    ] = None,
) -> None:
    """Start Spark and serve it over Arrow Flight and Flight SQL until SIGINT or SIGTERM.

    Prints the server's URL on stdout once it accepts requests; exits when Spark stops.
    """
    settings = parse_conf(conf or [])
    tls = _tls_files(tls_cert, tls_key, tls_client_ca)
    _require_server_extra()
    from sparkflight.flight_server import launch
    from sparkflight.flight_server.security import (
        InsecureBindError,
        check_bind_address,
        restricted_by_default,
    )

    try:
        check_bind_address(
            host, authenticated=auth_file is not None, insecure=insecure_allow_unauthenticated
        )
    except InsecureBindError as exc:
        raise typer.BadParameter(str(exc), param_hint="--host") from None
    auth_options = _auth_options(auth_file, token_ttl)
    launch.configure_logging()
    limits = Limits(
        sessions_per_user=max_sessions_per_user or None,
        queries_per_session=max_queries_per_session or None,
        upload_bytes=max_upload_bytes or None,
        plan_bytes=max_plan_bytes or None,
        plan_depth=max_plan_depth or None,
        result_bytes=max_result_bytes or None,
        query_seconds=query_timeout or None,
        session_idle_seconds=session_idle_timeout or None,
        resume_seconds=resume_timeout or None,
        replay_window_bytes=replay_window_bytes,
        python=not no_python,
        keep_streams=keep_streams,
        restricted=(
            restricted
            if restricted is not None
            else restricted_by_default(host, authenticated=auth_file is not None)
        ),
        allow_paths=tuple(allow_path or ()),
        sql_bytes=max_sql_bytes or None,
        sql_depth=max_sql_depth or None,
    )
    store = _result_store(result_store, result_key_file)
    launch.serve_until_stopped(
        master,
        settings,
        host,
        port,
        tls,
        limits,
        auth_options,
        metrics_port,
        shutdown_grace,
        store,
    )


def _result_store(directory: Path | None, key_file: Path | None) -> Any:
    """The ResultStore of ``--result-store`` and ``--result-key-file`` (None without)."""
    if directory is None:
        if key_file is not None:
            raise typer.BadParameter("needs --result-store", param_hint="--result-key-file")
        return None
    if key_file is None:
        raise typer.BadParameter("needs --result-key-file", param_hint="--result-store")
    from sparkflight.flight_server.part_service import read_key
    from sparkflight.flight_server.result_store import ResultStore

    try:
        return ResultStore(directory, read_key(key_file))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--result-key-file") from None


@app.command()
def worker(
    store: Annotated[
        Path, typer.Option(help="The result store directory the server's Spark tasks write.")
    ],
    key_file: Annotated[Path, typer.Option(help="File holding the server's result key.", **_PEM)],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on; 0 picks a free one.")] = 8816,
    advertise: Annotated[
        str | None,
        typer.Option(help="The URL clients reach this service at (default: from host and port)."),
    ] = None,
    tls_cert: _TlsCert = None,
    tls_key: _TlsKey = None,
    tls_client_ca: _TlsClientCa = None,
    auth_file: _AuthFile = None,
) -> None:
    """Serve the parts of results that Spark tasks on this machine wrote into --store, to
    the tickets the server signed, until SIGINT or SIGTERM. Prints its URL on stdout."""
    tls = _tls_files(tls_cert, tls_key, tls_client_ca)
    _require_server_extra()
    from sparkflight.flight_server import launch
    from sparkflight.flight_server.part_service import PartService

    auth_options = _auth_options(auth_file)
    result_store = _result_store(store, key_file)
    launch.configure_logging()
    kwargs = (tls.server_kwargs() if tls is not None else {}) | auth_options
    location = launch.grpc_url(host, port, tls is not None)
    service = PartService(result_store, location, advertise, **kwargs)
    try:
        launch.wait_for_stop_signal(announce=service.url, stopped=threading.Event())
    finally:
        service.shutdown()


@app.command()
def status(
    url: Annotated[
        str,
        typer.Argument(help="The server's URL as the client takes it, e.g. grpc://127.0.0.1:8815."),
    ],
) -> None:
    """Print the Spark application a server drives: master, workers, cores, memory, executors."""
    import pyarrow as pa
    from rich.console import Console

    from sparkflight.client.errors import PySparkException
    from sparkflight.client.transport import Connection
    from sparkflight.plans.actions import STATUS
    from sparkflight.status import status_tables

    try:
        connection = Connection.open(url)
        try:
            cluster = connection.action(STATUS, None)
        finally:
            connection.close()
    except (PySparkException, pa.ArrowException) as exc:
        typer.echo(f"Cannot get the status of {url}: {exc}", err=True)
        raise typer.Exit(code=1) from None
    Console().print(status_tables(cluster))


@app.command()
def demo() -> None:
    """Run a few DataFrame queries through a server on local Spark and print the results."""
    _require_server_extra()
    from sparkflight.demo import run_demo
    from sparkflight.flight_server import launch

    # The server's request records would interleave with the tables on the terminal.
    launch.configure_logging(server_level=logging.WARNING)
    run_demo()


def _credentials(path: Path) -> Credentials:
    from sparkflight.flight_server.auth import AuthFileError, Credentials

    if not path.exists():
        return Credentials()
    try:
        return Credentials.load(path)
    except AuthFileError as exc:
        raise typer.BadParameter(str(exc), param_hint="AUTH_FILE") from None


@auth_app.command("add-user")
def add_user(
    auth_file: Annotated[Path, typer.Argument(help="The auth file (created if missing).")],
    user: Annotated[str, typer.Argument(help="User name.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Add a user (or change a user's password); only a hash of the password is stored."""
    from sparkflight.flight_server.auth import hash_password

    credentials = _credentials(auth_file)
    credentials.passwords[user] = hash_password(password)
    credentials.save(auth_file)
    typer.echo(f"user {user} saved in {auth_file}")


@auth_app.command("add-token")
def add_token(
    auth_file: Annotated[Path, typer.Argument(help="The auth file (created if missing).")],
    user: Annotated[str, typer.Argument(help="The user the token authenticates as.")],
) -> None:
    """Create an API token for a user and print it (only its hash is stored)."""
    from sparkflight.flight_server.auth import token_digest

    token = secrets.token_urlsafe(32)
    credentials = _credentials(auth_file)
    credentials.tokens[token_digest(token)] = user
    credentials.save(auth_file)
    typer.echo(token)


@auth_app.command("revoke")
def revoke(
    auth_file: Annotated[Path, typer.Argument(help="The auth file.", exists=True, dir_okay=False)],
    user: Annotated[str, typer.Argument(help="The user whose access ends.")],
) -> None:
    """Remove a user's password and API tokens. A running server reads the changed file on
    its next call and ends the tokens it issued to the user."""
    credentials = _credentials(auth_file)
    if user not in credentials.passwords and user not in credentials.tokens.values():
        raise typer.BadParameter(f"no user {user!r} in {auth_file}", param_hint="USER")
    credentials.without_user(user).save(auth_file)
    typer.echo(f"user {user} revoked in {auth_file}")


@app.command(name="version")
def show_version() -> None:
    """Print the versions of sparkflight, pyspark and pyarrow."""
    for distribution in ("sparkflight", "pyspark", "pyarrow"):
        try:
            found = version(distribution)
        except PackageNotFoundError:
            found = "not installed"
        typer.echo(f"{distribution} {found}")


def _tls_files(cert: Path | None, key: Path | None, client_ca: Path | None) -> TlsFiles | None:
    from sparkflight.flight_server.security import TlsFiles

    if (cert is None) != (key is None):
        raise typer.BadParameter("--tls-cert and --tls-key go together", param_hint="--tls-key")
    if cert is None or key is None:
        if client_ca is not None:
            raise typer.BadParameter("needs --tls-cert and --tls-key", param_hint="--tls-client-ca")
        return None
    return TlsFiles(cert, key, client_ca)


def _require_server_extra() -> None:
    if importlib.util.find_spec("pyspark") is None:
        typer.echo(
            f"The server needs pyspark, which is not installed. Install it with: "
            f"{SERVER_EXTRA_HINT}",
            err=True,
        )
        raise typer.Exit(code=1)
