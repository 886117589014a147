import pandas as pd
import pytest

from xieshang.files import atomic_path, read_table, table_format, write_json, write_table, write_text


@pytest.mark.parametrize("name, fmt", [("a.csv", "csv"), ("a.PARQUET", "parquet"), ("a.pq", "parquet")])
def test_format_from_extension(name, fmt):
    assert table_format(name) == fmt


def test_unknown_extension():
    with pytest.raises(ValueError, match=r"unsupported file extension '\.xls'; expected \.csv, \.parquet or \.xlsx"):
        table_format("a.xls")


@pytest.mark.parametrize("name", ["t.csv", "t.parquet"])
def test_roundtrip(tmp_path, name):
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    write_table(df, tmp_path / "sub" / name)
    back = read_table(tmp_path / "sub" / name)
    if name.endswith(".csv"):  # a CSV comes back as its text
        df = df.astype(str)
    pd.testing.assert_frame_equal(back, df, check_dtype=name.endswith(".parquet"))
    assert [p.name for p in (tmp_path / "sub").iterdir()] == [name]  # no temporary left


def test_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "out.txt"
    write_text("old", target)
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_read_errors_name_the_file(tmp_path):
    with pytest.raises(ValueError, match=r"nope.csv: no such file"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(ValueError, match=r"d.csv: is a directory"):
        read_table(tmp_path / "d.csv")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(ValueError, match=r"bad.parquet: cannot read as parquet"):
        read_table(tmp_path / "bad.parquet")


def test_write_to_directory_or_unwritable(tmp_path):
    with pytest.raises(ValueError, match="is a directory"):
        write_json({}, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="cannot write here"):
        write_text("y", blocker / "child.txt")


# -- files come back as they went in ----------------------------------------------------------

import os  # noqa: E402

from xieshang.files import check_writable_folder, refuse_same_file  # noqa: E402


def test_csv_is_read_as_text(tmp_path):
    p = tmp_path / "ids.csv"
    p.write_text("id,card,note,n\n00017,6222021234567890123,NA,1\n00018,6222021234567890124,,2\n", encoding="utf-8")
    df = read_table(p)
    assert df["id"].tolist() == ["00017", "00018"]
    assert df["card"].tolist() == ["6222021234567890123", "6222021234567890124"]
    assert df["note"].tolist() == ["NA", ""] and df["n"].tolist() == ["1", "2"]


def test_parquet_keeps_types_and_index(tmp_path):
    df = pd.DataFrame({"a": [1.5, 2.5]}, index=pd.Index(["c1", "c2"], name="customer_id"))
    df.to_parquet(tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(read_table(tmp_path / "t.parquet"), df)


def test_same_file_is_refused_in_every_spelling(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("a\n1\n")
    (tmp_path / "link.csv").symlink_to(src)
    os.link(src, tmp_path / "hard.csv")
    for dst in (src, tmp_path / "link.csv", tmp_path / "hard.csv", tmp_path / "sub" / ".." / "in.csv"):
        with pytest.raises(ValueError, match=r"is the input file .*in\.csv itself; expected another output path"):
            refuse_same_file(src, dst)
    rel = os.path.relpath(src)
    with pytest.raises(ValueError, match="itself"):
        refuse_same_file(rel, src)
    refuse_same_file(src, tmp_path / "out.csv")  # another file: fine, even if it does not exist yet


def test_writable_folder_is_checked_without_leaving_anything(tmp_path):
    check_writable_folder(tmp_path / "new" / "deeper")
    assert not (tmp_path / "new").exists() and not list(tmp_path.iterdir())
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="is a file; expected a folder"):
        check_writable_folder(blocker)
    with pytest.raises(ValueError, match="lies under the file"):
        check_writable_folder(blocker / "m")
    with pytest.raises(ValueError, match="cannot write here"):
        check_writable_folder("/proc/xieshang_model")
