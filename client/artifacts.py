"""``SparkSession.addArtifacts``: local files shipped to the session's Python workers.

Paths are read as PySpark's Spark Connect client reads them: a local path or ``file:``
URI, an archive optionally with an ``#alias`` fragment. Each file is streamed to the
server in chunks with its size and CRC-32 (docs/protocol.md, "Artifacts").
"""

from __future__ import annotations

import importlib
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse
from urllib.request import url2pathname

from sparkflight.client.errors import (
    PySparkFileNotFoundError,
    PySparkRuntimeError,
    PySparkValueError,
    not_supported,
    value_disallowed,
)
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.protocol import ARTIFACTS

if TYPE_CHECKING:
    from sparkflight.client.transport import Connection

#: Bytes per chunk of an upload.
CHUNK_BYTES = 1024 * 1024

_KIND = sf.ArtifactUpload
_PYFILE_SUFFIXES = (".py", ".zip", ".egg")
_ZIPPED_PYFILE_SUFFIXES = (".zip", ".egg")
_ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")


@dataclass(frozen=True)
class LocalArtifact:
    """A local file to upload as ``kind``, named ``name`` (with an archive's ``fragment``)."""

    path: Path
    kind: int
    name: str
    fragment: str = ""


def _unsupported(operation: str) -> PySparkRuntimeError:
    return PySparkRuntimeError(
        errorClass="UNSUPPORTED_OPERATION",
        messageParameters={"operation": operation},
    )


def check_flags(pyfile: bool, archive: bool, file: bool) -> None:
    """At most one of the flags, with PySpark's error."""
    if sum([file, pyfile, archive]) > 1:
        raise PySparkValueError(
            errorClass="INVALID_MULTIPLE_ARGUMENT_CONDITIONS",
            messageParameters={
                "arg_names": "'pyfile', 'archive' and/or 'file'",
                "condition": "True together",
            },
        )


def _kind(name: str, pyfile: bool, archive: bool, file: bool) -> int | None:
    """The artifact kind of a file called ``name`` under the flags, as PySpark decides."""
    if pyfile and name.endswith(_PYFILE_SUFFIXES):
        return _KIND.KIND_PYFILE
    if archive and name.endswith(_ARCHIVE_SUFFIXES):
        return _KIND.KIND_ARCHIVE
    if file:
        return _KIND.KIND_FILE
    return None


def parse(path_or_uri: str, pyfile: bool, archive: bool, file: bool) -> LocalArtifact:
    """What to upload for ``path_or_uri``; refused as PySpark refuses it, or when the file
    does not exist."""
    parsed = urlparse(path_or_uri)
    if parsed.scheme not in ("", "file"):
        raise _unsupported(f"{parsed.scheme} scheme")
    path = Path(url2pathname(parsed.path)).absolute()
    kind = _kind(path.name, pyfile, archive, file)
    if kind is None:
        raise _unsupported(f"{path} file format")
    fragment = parsed.fragment if kind == _KIND.KIND_ARCHIVE else ""
    if fragment and "#" in str(path):
        raise value_disallowed("artifact path", "#")
    if not path.is_file():
        raise PySparkFileNotFoundError(
            errorClass="PATH_NOT_FOUND",
            messageParameters={"path": str(path)},
        )
    return LocalArtifact(path, kind, path.name, fragment)


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            yield chunk


def _size_and_crc(path: Path) -> tuple[int, int]:
    size, crc = 0, 0
    for chunk in _chunks(path):
        size += len(chunk)
        crc = zlib.crc32(chunk, crc)
    return size, crc


def upload(connection: Connection, artifact: LocalArtifact) -> None:
    """Send ``artifact`` to the session. A zipped pyfile also goes on this process's
    ``sys.path``, as PySpark does, so functions defined in it pickle by reference."""
    size, crc = _size_and_crc(artifact.path)
    request = sf.ArtifactUpload(
        kind=artifact.kind,
        name=artifact.name,
        fragment=artifact.fragment,
        size=size,
        crc32=crc,
    )
    connection.upload_artifact(request, _chunks(artifact.path))
    if artifact.kind == _KIND.KIND_PYFILE:
        if artifact.name.endswith(_ZIPPED_PYFILE_SUFFIXES):
            sys.path.insert(1, str(artifact.path))
        importlib.invalidate_caches()


def add_artifacts(
    connection: Connection,
    server_protocol: int,
    paths: tuple[str, ...],
    pyfile: bool,
    archive: bool,
    file: bool,
) -> None:
    """Check every path, then upload them one after the other."""
    check_flags(pyfile, archive, file)
    if server_protocol < ARTIFACTS.version:
        raise not_supported(
            f"addArtifacts with a server of protocol older than {ARTIFACTS.version}"
        )
    for artifact in [parse(p, pyfile, archive, file) for p in paths]:
        upload(connection, artifact)
