import pandas as pd
import pytest

from xieshang.files import atomic_path, read_table, table_format, write_json, write_table, write_text


@pytest.mark.parametrize("name, fmt", [("a.csv", "csv"), ("a.PARQUET", "parquet"), ("a.pq", "parquet")])
def test_format_from_extension(name, fmt):
    assert table_format(name) == fmt


def test_unknown_extension():
    with pytest.raises(ValueError, match=r"unsupported file extension '\.xlsx'; expected \.csv or \.parquet"):
        table_format("a.xlsx")


@pytest.mark.parametrize("name", ["t.csv", "t.parquet"])
def test_roundtrip(tmp_path, name):
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    write_table(df, tmp_path / "sub" / name)
    pd.testing.assert_frame_equal(read_table(tmp_path / "sub" / name), df)
    assert [p.name for p in (tmp_path / "sub").iterdir()] == [name]  # no temporary left


def test_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "out.txt"
    write_text("old", target)
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_read_errors_name_the_file(tmp_path):
    with pytest.raises(ValueError, match="nope.csv: no such file"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(ValueError, match="d.csv: is a directory"):
        read_table(tmp_path / "d.csv")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(ValueError, match="bad.parquet: cannot read as parquet"):
        read_table(tmp_path / "bad.parquet")


def test_write_to_directory_or_unwritable(tmp_path):
    with pytest.raises(ValueError, match="is a directory"):
        write_json({}, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="cannot write here"):
        write_text("y", blocker / "child.txt")
