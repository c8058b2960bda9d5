"""The binary COPY encoder against the format written out by hand with struct."""

import struct

import numpy as np
import pandas as pd

from core.pgcopy import HEADER, TRAILER, CopyStream, binary_copy_data, binary_copy_pieces


def _field(fmt, value):
    return b"\xff\xff\xff\xff" if value is None else struct.pack(">i", struct.calcsize(fmt)) + struct.pack(fmt, value)


def _text(value):
    return b"\xff\xff\xff\xff" if value is None else struct.pack(">i", len(value.encode())) + value.encode()


def test_rows_of_numbers_text_and_nulls_are_encoded_as_postgresql_reads_them():
    frame = pd.DataFrame({
        "id": np.array([7, 2**40], dtype=np.int64),
        "n": np.array([3, -1], dtype=np.int64),
        "score": np.array([5, 1], dtype=np.int64),
        "money": [12.5, np.nan],
        "name": ["Crème, “brûlée”", ""],
        "note": [None, "x"],
    })
    types = {"id": "int8", "n": "int4", "score": "int2", "money": "float8", "name": "text", "note": "text"}
    expected = HEADER
    for i in range(2):
        money = frame["money"][i]
        expected += struct.pack(">h", 6) + _field(">q", int(frame["id"][i])) + _field(">i", int(frame["n"][i]))
        expected += _field(">h", int(frame["score"][i])) + _field(">d", None if np.isnan(money) else money)
        expected += _text(frame["name"][i]) + _text(frame["note"][i])
    expected += TRAILER
    assert binary_copy_data(frame, types) == expected


def test_many_rows_keep_their_order():
    values = np.arange(10_000, dtype=np.int64)
    frame = pd.DataFrame({"v": values, "t": pd.Series(values % 7).astype(str).where(values % 5 > 0, None)})
    data = binary_copy_data(frame, {"v": "int8", "t": "text"})
    position, rows = len(HEADER), []
    for _ in range(len(frame)):
        assert struct.unpack_from(">h", data, position)[0] == 2
        position += 2
        (length,) = struct.unpack_from(">i", data, position)
        value = struct.unpack_from(">q", data, position + 4)[0]
        position += 4 + length
        (length,) = struct.unpack_from(">i", data, position)
        text = None if length == -1 else data[position + 4: position + 4 + length].decode()
        position += 4 + max(length, 0)
        rows.append((value, text))
    assert data[position:] == TRAILER
    assert rows == [(int(v), None if v % 5 == 0 else str(v % 7)) for v in values]


def test_rows_encoded_a_slice_at_a_time_and_read_in_any_size_are_the_same_bytes():
    values = np.arange(2_345, dtype=np.int64)
    frame = pd.DataFrame({"v": values, "t": pd.Series(values % 11).astype(str).where(values % 3 > 0, None),
                          "x": np.where(values % 4 > 0, values / 7, np.nan)})
    types = {"v": "int8", "t": "text", "x": "float8"}
    whole = binary_copy_data(frame, types)
    for slice_rows in (1, 100, 2_345, 10_000):
        assert b"".join(bytes(piece) for piece in binary_copy_pieces(frame, types, slice_rows=slice_rows)) == whole
    for size in (1, 7, 8_192, 1 << 20):
        stream, read = CopyStream(binary_copy_pieces(frame, types, slice_rows=500)), []
        while chunk := stream.read(size):
            assert len(chunk) <= size
            read.append(chunk)
        assert b"".join(read) == whole
