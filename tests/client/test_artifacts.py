"""``addArtifacts``: files shipped to one session's Python workers, against in-process
PySpark given the same files with ``SparkContext.addPyFile``/``addFile``/``addArchive``."""

from __future__ import annotations

import os
import tarfile
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sparkflight.client import functions as F
from sparkflight.client.errors import (
    PySparkException,
    PySparkFileNotFoundError,
    PySparkRuntimeError,
    PySparkValueError,
    PythonException,
)
from sparkflight.plans import sparkflight_pb2 as sf

_KIND = sf.ArtifactUpload


@pytest.fixture(scope="module")
def session(shared_spark: Any) -> Iterator[Any]:
    """A session of its own: artifacts stay with the session that added them."""
    own = shared_spark.newSession()
    yield own
    own.stop()


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def _values(df: Any) -> list[Any]:
    return [row[0] for row in df.collect()]


def _imported(module: str, attribute: str) -> Any:
    """A UDF calling ``module.attribute(x)``, the module imported on the Python worker."""

    def call(x: int) -> int:
        import importlib

        return getattr(importlib.import_module(module), attribute)(x)

    return call


def _good_query(session: Any) -> None:
    assert _values(session.range(3).select(F.udf(lambda x: x + 1, "long")("id"))) == [1, 2, 3]


def test_py_file_is_imported_by_a_udf_as_in_pyspark(
    session: Any, classic: Any, tmp_path: Path
) -> None:
    from pyspark.sql import functions as CF

    module = _unique("helper")
    path = tmp_path / f"{module}.py"
    path.write_text("def triple(x):\n    return 3 * x\n")
    session.addArtifact(str(path), pyfile=True)
    got = _values(session.range(4).select(F.udf(_imported(module, "triple"), "long")("id")))
    classic.sparkContext.addPyFile(str(path))
    want = _values(classic.range(4).select(CF.udf(_imported(module, "triple"), "long")("id")))
    assert got == want == [0, 3, 6, 9]


def test_zip_package_is_importable_and_session_sql_udfs_see_it(
    session: Any, tmp_path: Path
) -> None:
    package = _unique("pkg")
    path = tmp_path / f"{package}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{package}/__init__.py", "")
        archive.writestr(f"{package}/ops.py", "def negate(x):\n    return -x\n")
    session.addArtifacts(str(path), pyfile=True)
    negate = _imported(f"{package}.ops", "negate")
    assert _values(session.range(3).select(F.udf(negate, "long")("id"))) == [0, -1, -2]
    session.udf.register(f"negate_{package}", negate, "long")
    assert _values(session.sql(f"SELECT negate_{package}(id) FROM range(2)")) == [0, -1]


def test_archive_is_extracted_under_its_alias(session: Any, classic: Any, tmp_path: Path) -> None:
    from pyspark.sql import functions as CF

    alias = _unique("data")
    inner = tmp_path / "inner.txt"
    inner.write_text("from the archive")
    path = tmp_path / f"{_unique('bundle')}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        archive.add(inner, arcname="inner.txt")

    def read(x: int) -> str:
        import os

        from pyspark import SparkFiles

        with open(os.path.join(SparkFiles.getRootDirectory(), alias, "inner.txt")) as text:
            return f"{x}:{text.read()}"

    session.addArtifact(f"{path}#{alias}", archive=True)
    got = _values(session.range(2).select(F.udf(read)("id")))
    classic.sparkContext.addArchive(f"{path}#{alias}")
    assert got == _values(classic.range(2).select(CF.udf(read)("id")))
    assert got == ["0:from the archive", "1:from the archive"]


def test_file_is_read_with_sparkfiles_get(session: Any, tmp_path: Path) -> None:
    name = f"{_unique('notes')}.txt"
    (tmp_path / name).write_text("plain file")

    def read(x: int) -> str:
        from pyspark import SparkFiles

        with open(SparkFiles.get(name)) as text:
            return text.read() * int(x)

    session.addArtifact(str(tmp_path / name), file=True)
    got = _values(session.range(3).select(F.udf(read)("id")))
    assert got == ["", "plain file", "plain file" * 2]


def test_another_session_does_not_see_the_module(spark: Any, tmp_path: Path) -> None:
    module = _unique("private")
    path = tmp_path / f"{module}.py"
    path.write_text("def one(x):\n    return 1\n")
    owner, other = spark.newSession(), spark.newSession()
    try:
        owner.addArtifact(str(path), pyfile=True)
        udf = F.udf(_imported(module, "one"), "long")
        assert _values(owner.range(2).select(udf("id"))) == [1, 1]
        with pytest.raises(PythonException, match=f"No module named '{module}'"):
            other.range(2).select(udf("id")).collect()
        assert _values(owner.range(2).select(udf("id"))) == [1, 1]
    finally:
        owner.stop()
        other.stop()


def test_the_same_file_again_is_a_no_op_and_a_changed_one_is_refused(
    session: Any, tmp_path: Path
) -> None:
    path = tmp_path / f"{_unique('twice')}.txt"
    path.write_text("first")
    session.addArtifact(str(path), file=True)
    session.addArtifact(str(path), file=True)
    path.write_text("second")
    with pytest.raises(PySparkException) as refused:
        session.addArtifact(str(path), file=True)
    assert refused.value.getCondition() == "ARTIFACT_ALREADY_EXISTS"
    _good_query(session)


@pytest.mark.parametrize(
    ("arguments", "flags", "error", "condition"),
    [
        (["missing.py"], {"pyfile": True}, PySparkFileNotFoundError, "PATH_NOT_FOUND"),
        (
            ["x.py"],
            {"pyfile": True, "file": True},
            PySparkValueError,
            "INVALID_MULTIPLE_ARGUMENT_CONDITIONS",
        ),
        (["x.txt"], {"pyfile": True}, PySparkRuntimeError, "UNSUPPORTED_OPERATION"),
        (["x.rar#alias"], {"archive": True}, PySparkRuntimeError, "UNSUPPORTED_OPERATION"),
        (["hdfs://host/x.py"], {"pyfile": True}, PySparkRuntimeError, "UNSUPPORTED_OPERATION"),
    ],
    ids=["missing", "two-flags", "not-a-pyfile", "not-an-archive", "remote-scheme"],
)
def test_bad_paths_are_refused_as_in_pyspark(
    session: Any,
    tmp_path: Path,
    arguments: list[str],
    flags: dict[str, bool],
    error: type,
    condition: str,
) -> None:
    for name in ("x.py", "x.txt"):
        (tmp_path / name).write_text("")
    paths = [a if "://" in a else str(tmp_path / a) for a in arguments]
    with pytest.raises(error) as refused:
        session.addArtifacts(*paths, **flags)
    assert refused.value.getCondition() == condition
    _good_query(session)


def _upload(session: Any, data: bytes, **fields: Any) -> None:
    """An upload as a client that does not check what it sends would make it."""
    checks = {"size": len(data), "crc32": zlib.crc32(data)}
    session._connection.upload_artifact(sf.ArtifactUpload(**(checks | fields)), [data])


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": _KIND.KIND_PYFILE, "name": "../{escape}.py"},
        {"kind": _KIND.KIND_FILE, "name": "..", "size": 4},
        {"kind": _KIND.KIND_FILE, "name": "/tmp/{escape}.py"},
        {"kind": _KIND.KIND_ARCHIVE, "name": "a.zip", "fragment": "../{escape}"},
        {"kind": _KIND.KIND_FILE, "name": "a.txt", "fragment": "alias"},
        {"kind": _KIND.KIND_PYFILE, "name": "a.sh"},
        {"kind": _KIND.KIND_UNSPECIFIED, "name": "a.txt"},
        {"kind": _KIND.KIND_FILE, "name": "{escape}.txt", "crc32": 1},
        {"kind": _KIND.KIND_FILE, "name": "{escape}.txt", "size": 1},
    ],
    ids=[
        "parent-dir",
        "dot-dot",
        "absolute",
        "alias-escape",
        "alias-on-file",
        "pyfile-suffix",
        "no-kind",
        "bad-crc",
        "bad-size",
    ],
)
def test_server_refuses_bad_uploads_and_writes_nothing_outside(
    session: Any, fields: dict[str, Any]
) -> None:
    escape = _unique("escape")
    fields = {k: v.format(escape=escape) if isinstance(v, str) else v for k, v in fields.items()}
    data = b"print('escaped')\n"
    with pytest.raises(PySparkException) as refused:
        _upload(session, data, **fields)
    assert refused.value.getCondition() == "INVALID_ARTIFACT"
    # Where "../" from a staging directory (or the server's working directory) would lead.
    for directory in (Path(tempfile.gettempdir()), Path.cwd(), Path.cwd().parent):
        assert not list(directory.glob(f"{escape}*"))
    _good_query(session)


def test_default_session_takes_no_artifacts(spark: Any) -> None:
    from sparkflight.client.transport import Connection

    connection = Connection.open(spark._url)
    try:
        request = sf.ArtifactUpload(
            kind=_KIND.KIND_FILE, name="a.txt", size=1, crc32=zlib.crc32(b"a")
        )
        with pytest.raises(PySparkException, match="session of their own"):
            connection.upload_artifact(request, [b"a"])
    finally:
        connection.close()
    _good_query(spark)


def test_large_file_arrives_whole_in_chunks(session: Any, tmp_path: Path) -> None:
    name = f"{_unique('large')}.bin"
    data = os.urandom(3 * 1024 * 1024 + 17)
    (tmp_path / name).write_bytes(data)
    session.addArtifact(str(tmp_path / name), file=True)

    def digest(x: int) -> str:
        import hashlib

        from pyspark import SparkFiles

        with open(SparkFiles.get(name), "rb") as blob:
            return hashlib.sha256(blob.read()).hexdigest()

    import hashlib

    want = hashlib.sha256(data).hexdigest()
    assert _values(session.range(1).select(F.udf(digest)("id"))) == [want]


def test_server_refuses_an_upload_that_is_not_one_binary_column(session: Any) -> None:
    import pyarrow as pa
    import pyarrow.flight as flight

    connection = session._connection
    request = sf.UploadRequest(
        artifact=sf.ArtifactUpload(kind=_KIND.KIND_FILE, name="numbers.txt", size=8)
    )
    descriptor = flight.FlightDescriptor.for_command(request.SerializeToString())
    table = pa.table({"n": pa.array([1], pa.int64())})
    with pytest.raises(PySparkException) as refused, connection._errors():
        writer, reader = connection._client.do_put(descriptor, table.schema, connection._options())
        writer.write_table(table)
        writer.done_writing()
        reader.read()
        writer.close()
    assert refused.value.getCondition() == "INVALID_ARTIFACT"
    _good_query(session)


def test_closing_the_session_deletes_its_artifacts(spark: Any, tmp_path: Path) -> None:
    name = f"{_unique('closing')}.txt"
    (tmp_path / name).write_text("short-lived")
    owner = spark.newSession()
    owner.addArtifact(str(tmp_path / name), file=True)
    # Spark's ArtifactManager keeps a session's files in <temp>/artifacts*/<session>/files.
    stored = list(Path(tempfile.gettempdir()).glob(f"artifacts*/*/files/{name}"))
    assert len(stored) == 1 and stored[0].read_text() == "short-lived"
    owner.stop()
    assert not stored[0].exists()
    _good_query(spark)
