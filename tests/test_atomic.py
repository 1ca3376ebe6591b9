"""Atomic file output."""

from __future__ import annotations

import gzip
import os
import stat

import pytest

from urbanki_helpers.atomic import atomic_path, gzip_bytes, write_bytes, write_text


def test_written_files_are_complete_and_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_text(tmp_path / "sub" / "a.txt", "hallo")
    finally:
        os.umask(old)
    assert path.read_text() == "hallo"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's private 0600
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["a.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = write_bytes(tmp_path / "b.csv", b"alt")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"halb")
        raise RuntimeError("Abbruch")
    assert target.read_bytes() == b"alt" and [p.name for p in tmp_path.iterdir()] == ["b.csv"]


def test_gzip_bytes_are_reproducible():
    assert gzip_bytes(b"x" * 100) == gzip_bytes(b"x" * 100)
    assert gzip.decompress(gzip_bytes(b"abc")) == b"abc"
    assert gzip_bytes(b"abc")[4:8] == b"\0\0\0\0"  # no time stamp in the header
