"""Regenerate ``plans/sparkflight_pb2.py`` from ``plans/sparkflight.proto``.

Run ``python -m plans.generate`` after changing the .proto (needs the ``dev``
extra for ``grpcio-tools``). The Substrait messages it imports are taken from
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
                "plans/sparkflight.proto",
            ]
        )
    if code != 0:
        raise SystemExit(f"protoc failed with exit code {code}")


if __name__ == "__main__":
    main()
