"""Regenerate the ``plans/*_pb2.py`` modules from the ``.proto`` files beside them.

Run ``python -m sparkflight.plans.generate`` after changing a .proto (needs the ``dev``
extra for ``grpcio-tools``, pinned to the release whose output imports on the
protobuf runtime that the project requires). The Substrait messages it imports are taken from
the installed ``substrait`` package's descriptors, so no Substrait .proto
sources are needed.
"""

from __future__ import annotations

import pathlib
import tempfile

from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import FileDescriptor
from substrait import algebra_pb2, type_pb2

ROOT = pathlib.Path(__file__).resolve().parent.parent
#: The Arrow Flight SQL and Flight messages that sparkflight serves, generated into the
#: descriptor pool of ``plans/flight_pool.py``.
FLIGHT_PROTOS = ("plans/flight_sql.proto", "plans/flight.proto")
#: Every .proto of the project.
PROTOS = ("plans/sparkflight.proto", *FLIGHT_PROTOS)


def _descriptor_set(files: list[FileDescriptor]) -> descriptor_pb2.FileDescriptorSet:
    seen: dict[str, descriptor_pb2.FileDescriptorProto] = {}

    def visit(fd: FileDescriptor) -> None:
        if fd.name in seen:
            return
        for dep in fd.dependencies:
            visit(dep)
        proto = descriptor_pb2.FileDescriptorProto()
        fd.CopyToProto(proto)
        seen[fd.name] = proto

    for fd in files:
        visit(fd)
    result = descriptor_pb2.FileDescriptorSet()
    result.file.extend(seen.values())
    return result


def main() -> None:
    from grpc_tools import protoc

    deps = _descriptor_set([algebra_pb2.DESCRIPTOR, type_pb2.DESCRIPTOR])
    with tempfile.NamedTemporaryFile(suffix=".pb") as handle:
        handle.write(deps.SerializeToString())
        handle.flush()
        code = protoc.main(
            [
                "protoc",
                f"--descriptor_set_in={handle.name}",
                f"--proto_path={ROOT}",
                f"--python_out={ROOT}",
                f"--pyi_out={ROOT}",
                *PROTOS,
            ]
        )
    if code != 0:
        raise SystemExit(f"protoc failed with exit code {code}")
    for proto in PROTOS:
        _use_installed_name(ROOT / proto.replace(".proto", "_pb2.py"))
    for proto in FLIGHT_PROTOS:
        _use_flight_pool(ROOT / proto.replace(".proto", "_pb2.py"))


def _use_installed_name(module: pathlib.Path) -> None:
    """Name a generated module as installed: ``plans/x.proto`` is ``sparkflight.plans.x_pb2``
    (protoc names it after the .proto's path, ``plans.x_pb2``)."""
    text = module.read_text()
    generated = f"'plans.{module.stem}'"
    if generated not in text:
        raise SystemExit(f"{module}: generated code no longer names its module {generated}")
    module.write_text(text.replace(generated, f"'sparkflight.plans.{module.stem}'"))


def _use_flight_pool(module: pathlib.Path) -> None:
    """Have a generated module add its messages to ``sparkflight.plans.flight_pool.POOL``."""
    text = module.read_text()
    default_pool = "_descriptor_pool.Default()"
    if default_pool not in text:
        raise SystemExit(f"{module}: generated code no longer uses {default_pool}")
    text = text.replace(
        "# @@protoc_insertion_point(imports)",
        "from sparkflight.plans.flight_pool import POOL as _FLIGHT_POOL\n"
        "# @@protoc_insertion_point(imports)",
    )
    module.write_text(text.replace(default_pool, "_FLIGHT_POOL"))


if __name__ == "__main__":
    main()
