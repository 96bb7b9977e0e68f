"""Exits 0 when every path given is a ReadyToRun image (precompiled IL assembly), 1 otherwise, naming the others.

A ReadyToRun image is a managed PE file whose CLI header (ECMA-335 II.25.3.3) has a non-empty ManagedNativeHeader
directory (at offset 64 of the header), which points at the READYTORUN_HEADER; a plain IL assembly leaves it zero.
"""
import struct
import sys


def is_readytorun(path: str) -> bool:
    with open(path, "rb") as f:
        data = f.read()
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        return False
    sections = struct.unpack_from("<H", data, pe + 6)[0]
    optional_size = struct.unpack_from("<H", data, pe + 20)[0]
    optional = pe + 24
    magic = struct.unpack_from("<H", data, optional)[0]
    directories = optional + (96 if magic == 0x10B else 112)
    cli_rva, cli_size = struct.unpack_from("<II", data, directories + 14 * 8)
    if cli_size == 0:
        return False
    table = optional + optional_size
    for i in range(sections):
        name, vsize, va, raw_size, raw_ptr = struct.unpack_from("<8sIIII", data, table + 40 * i)
        if va <= cli_rva < va + max(vsize, raw_size):
            cli = cli_rva - va + raw_ptr
            native_rva, native_size = struct.unpack_from("<II", data, cli + 64)
            return native_rva != 0 and native_size != 0
    return False


if __name__ == "__main__":
    plain = [p for p in sys.argv[1:] if not is_readytorun(p)]
    for p in plain:
        print(f"not ReadyToRun: {p}", file=sys.stderr)
    sys.exit(1 if plain or len(sys.argv) < 2 else 0)
