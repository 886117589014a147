"""Issue 23: records as people keep them, every column back exactly as it came.

Each test names the issue item it covers; each failed on the code before issue 23.
"""

from __future__ import annotations

import decimal
import json
import os
import stat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from xieshang.cli import main
from xieshang.files import read_json_object, read_records, read_table
from xieshang.generator import generate
from xieshang.scoring import PROBABILITY, score_file

ID = 1234567890123456789  # 19 digits: a float64 rounds it


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return generate(60, seed=7).drop(columns=["approved", "true_probability"])


def _score(oracle, src, dst, **kw):
    return score_file(oracle, src, dst, chunk_rows=kw.pop("chunk_rows", 16), progress=None, **kw)


# -- 1. nullable 19-digit ids ------------------------------------------------------------------


def test_nullable_19_digit_ids_round_trip_through_parquet(tmp_path, rows, oracle):
    ids = pd.array([ID + i if i % 3 else None for i in range(len(rows))], dtype="Int64")
    df = rows.assign(customer_id=ids)
    df.to_parquet(tmp_path / "in.parquet")
    # written without pandas' metadata, as Spark or polars write it
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None), tmp_path / "spark.parquet")
    for name in ("in.parquet", "spark.parquet"):
        _score(oracle, tmp_path / name, tmp_path / "out.parquet")
        back = pq.read_table(tmp_path / "out.parquet").column("customer_id").to_pylist()
        assert back == [None if v is pd.NA else int(v) for v in ids]
        _score(oracle, tmp_path / name, tmp_path / "out.csv")
        text = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)["customer_id"].tolist()
        assert text == ["" if v is pd.NA else str(int(v)) for v in ids]  # 200, never 200.0


# -- 2. any index kept --------------------------------------------------------------------------


@pytest.mark.parametrize("index", [
    pd.RangeIndex(1000, 1060), pd.RangeIndex(0, 120, 2, name="rowid"), pd.Index(np.arange(60) * 7, name="k"),
    pd.MultiIndex.from_arrays([np.arange(60) % 5, [f"b{i}" for i in range(60)]], names=["branch", "seq"]),
])
def test_any_parquet_index_kept(tmp_path, rows, oracle, index):
    df = rows.set_axis(index)
    df.to_parquet(tmp_path / "in.parquet")
    _score(oracle, tmp_path / "in.parquet", tmp_path / "out.parquet")
    back = pd.read_parquet(tmp_path / "out.parquet")
    pd.testing.assert_index_equal(back.index, df.index)
    pd.testing.assert_frame_equal(back[df.columns], df)


def test_named_range_index_written_to_csv(tmp_path, rows, oracle):
    rows.set_axis(pd.RangeIndex(0, 120, 2, name="rowid")).to_parquet(tmp_path / "in.parquet")
    _score(oracle, tmp_path / "in.parquet", tmp_path / "out.csv")
    assert pd.read_csv(tmp_path / "out.csv")["rowid"].tolist() == list(range(0, 120, 2))


# -- 3. read-only output, --no-clobber ----------------------------------------------------------


def test_read_only_output_refused(tmp_path, rows, oracle):
    rows.to_csv(tmp_path / "in.csv", index=False)
    old = tmp_path / "old.csv"
    old.write_text("keep me")
    old.chmod(stat.S_IRUSR | stat.S_IRGRP)
    with pytest.raises(ValueError, match="read-only, so it is not replaced"):
        _score(oracle, tmp_path / "in.csv", old)
    assert old.read_text() == "keep me"


def test_no_clobber_refuses_any_existing_output(tmp_path, rows, oracle, capsys):
    rows.to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "old.csv").write_text("keep me")
    with pytest.raises(ValueError, match="already exists and --no-clobber"):
        _score(oracle, tmp_path / "in.csv", tmp_path / "old.csv", no_clobber=True)
    assert main(["generate", "--rows", "5", "--out", str(tmp_path / "old.csv"), "--no-clobber"]) == 2
    assert "--no-clobber" in capsys.readouterr().err
    assert (tmp_path / "old.csv").read_text() == "keep me"


# -- 4, 5. headers as written ---------------------------------------------------------------------


def test_duplicate_contract_column_is_an_error_naming_both(tmp_path, rows, oracle):
    text = rows.to_csv(index=False).splitlines()
    text = [f"{line},{line.split(',')[list(rows.columns).index('credit_score')]}" for line in text]
    (tmp_path / "in.csv").write_text("\n".join(text) + "\n")
    k = list(rows.columns).index("credit_score") + 1
    with pytest.raises(ValueError, match=rf"'credit_score' and 'credit_score' both mean 'credit_score' \(columns {k} and {rows.shape[1] + 1}\)"):
        _score(oracle, tmp_path / "in.csv", tmp_path / "out.csv")


def test_extra_headers_stay_as_written(tmp_path, rows, oracle):
    df = rows.copy()
    df.insert(0, "", [f"r{i}" for i in range(len(df))], allow_duplicates=True)
    df.insert(1, "id", "a", allow_duplicates=True)
    df.insert(2, "id", "b", allow_duplicates=True)
    df.to_csv(tmp_path / "in.csv", index=False)
    for out in ("out.csv", "out.xlsx"):
        _score(oracle, tmp_path / "in.csv", tmp_path / out)
        back = read_table(tmp_path / out)
        assert list(back.columns[:3]) == ["", "id", "id"], out
        assert back.iloc[:, 0].astype(str).tolist() == df.iloc[:, 0].tolist()
    # Parquet readers cannot read two columns of one name back: refused in our words, nothing written
    with pytest.raises(ValueError, match=r"'id' appear more than once.*write a \.csv or \.xlsx output"):
        _score(oracle, tmp_path / "in.csv", tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()
    df.iloc[:, [0, 1, *range(3, df.shape[1])]].to_csv(tmp_path / "in1.csv", index=False)
    _score(oracle, tmp_path / "in1.csv", tmp_path / "out.parquet")  # an empty name is fine in Parquet
    assert pq.read_schema(tmp_path / "out.parquet").names[:2] == ["", "id"]


# -- 6, 7. types round-trip -----------------------------------------------------------------------


def test_pandas_and_arrow_types_round_trip_through_parquet(tmp_path, rows, oracle):
    n = len(rows)
    df = rows.assign(
        i=pd.array([None if i % 4 == 0 else i for i in range(n)], dtype="Int64"),
        f=pd.array([None if i % 5 == 0 else i / 3 for i in range(n)], dtype="Float64"),
        b=pd.array([None if i % 6 == 0 else i % 2 == 0 for i in range(n)], dtype="boolean"),
        s=pd.array([None if i % 7 == 0 else f"s{i}" for i in range(n)], dtype="string"),
        t=pd.date_range("2026-01-01", periods=n, freq="h", tz="Asia/Shanghai"),
        d=[decimal.Decimal(f"{i}.1234") for i in range(n)],
    )
    df.to_parquet(tmp_path / "in.parquet")
    _score(oracle, tmp_path / "in.parquet", tmp_path / "out.parquet")
    back = pd.read_parquet(tmp_path / "out.parquet")
    pd.testing.assert_frame_equal(back[df.columns], df)
    schema_in, schema_out = pq.read_schema(tmp_path / "in.parquet"), pq.read_schema(tmp_path / "out.parquet")
    for field in schema_in:
        assert schema_out.field(field.name).type == field.type


def test_decimal_columns_accepted_in_every_chunk(tmp_path, rows, oracle):
    table = pa.Table.from_pandas(rows, preserve_index=False)
    table = table.append_column("amount", pa.array([decimal.Decimal(f"{i}.5") for i in range(len(rows))],
                                                   type=pa.decimal128(18, 4)))
    table = table.set_column(table.schema.get_field_index("monthly_income"), "monthly_income",
                             pa.array([decimal.Decimal(str(v)) for v in rows["monthly_income"]], type=pa.decimal128(18, 4)))
    pq.write_table(table, tmp_path / "in.parquet")
    _score(oracle, tmp_path / "in.parquet", tmp_path / "out.parquet", chunk_rows=7)
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.column("amount").type == pa.decimal128(18, 4) and out.num_rows == len(rows)


def test_csv_extras_stay_text_in_every_format(tmp_path, rows, oracle):
    df = rows.assign(code=[f"{i:05d}" if i % 2 else "NA" for i in range(len(rows))])
    df.to_csv(tmp_path / "in.csv", index=False)
    for out in ("out.csv", "out.parquet", "out.xlsx"):
        _score(oracle, tmp_path / "in.csv", tmp_path / out, chunk_rows=5)
        assert read_table(tmp_path / out)["code"].tolist() == df["code"].tolist(), out


# -- 8. line numbers ------------------------------------------------------------------------------


def _with_quoted_newlines(rows: pd.DataFrame) -> str:
    df = rows.head(8).assign(note=["two\nlines" if i % 2 else "one" for i in range(8)])
    text = df.to_csv(index=False)
    return text.replace("\n", "\n\n", 1)  # a blank line after the header


def test_line_numbers_through_quoted_newlines_and_blank_lines(tmp_path, rows, oracle, capsys):
    text = _with_quoted_newlines(rows)
    lines = text.split("\n")
    # the 8th data row: header, blank, rows of 1 or 2 lines
    bad_line = 1 + 1 + sum(2 if i % 2 else 1 for i in range(7)) + 1
    assert lines[bad_line - 1].count(",") >= 10
    lines[bad_line - 1] = lines[bad_line - 1].replace(lines[bad_line - 1].split(",")[0], "-5", 1)
    (tmp_path / "in.csv").write_text("\n".join(lines))
    rec = read_records(tmp_path / "in.csv")
    assert rec.lines[-1] == bad_line
    with pytest.raises(ValueError, match=rf"\b{bad_line}\b"):
        _score(oracle, tmp_path / "in.csv", tmp_path / "out.csv")
    assert main(["check", str(tmp_path / "in.csv"), "--lang", "en"]) == 1
    assert f"line {bad_line}" in capsys.readouterr().out


def test_ragged_rows_reported_by_line_not_shifted(tmp_path, rows, oracle, capsys):
    lines = rows.head(5).to_csv(index=False).splitlines()
    lines[3] += ","  # a trailing comma on one data line
    (tmp_path / "in.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"line 4 has \d+\b.*expected every line to have as many fields"):
        _score(oracle, tmp_path / "in.csv", tmp_path / "out.csv")
    assert main(["check", str(tmp_path / "in.csv")]) == 2
    err = capsys.readouterr().err
    assert "line 4" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


# -- 9. BOM and encodings ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding, bom", [("utf-8-sig", b"\xef\xbb\xbf"), ("gb18030", b""), ("utf-16", b"\xff\xfe"),
                                           ("utf-8", b"")])
def test_encodings_read_and_kept_on_output(tmp_path, rows, oracle, encoding, bom, capsys):
    df = rows.head(12).rename(columns={"monthly_income": "月收入"}).assign(姓名=[f"张三{i}" for i in range(12)])
    df.to_csv(tmp_path / "in.csv", index=False, encoding=encoding)
    _score(oracle, tmp_path / "in.csv", tmp_path / "out.csv")
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(bom) and not raw.startswith(b"\xef\xbb\xbf" if not bom.startswith(b"\xef") else b"\xef\xbb\xbf\xef")
    back = pd.read_csv(tmp_path / "out.csv", encoding=encoding, dtype=str)
    assert back["姓名"].tolist() == df["姓名"].tolist() and "月收入" in back.columns
    assert main(["check", str(tmp_path / "in.csv"), "--lang", "en"]) == 0
    assert {"utf-8-sig": "UTF-8 with BOM", "gb18030": "GB18030", "utf-16": "UTF-16 LE with BOM",
            "utf-8": "encoding UTF-8,"}[encoding] in capsys.readouterr().out


def test_out_encoding_overrides(tmp_path, rows, oracle):
    rows.head(5).to_csv(tmp_path / "in.csv", index=False, encoding="gb18030")
    _score(oracle, tmp_path / "in.csv", tmp_path / "out.csv", out_encoding="utf-8-sig")
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_named_encoding_big5(tmp_path, rows, oracle):
    df = rows.head(5).assign(名字=["陳大文"] * 5)
    df.to_csv(tmp_path / "in.csv", index=False, encoding="big5")
    _score(oracle, tmp_path / "in.csv", tmp_path / "out.csv", encoding="big5")
    assert pd.read_csv(tmp_path / "out.csv", encoding="big5")["名字"].tolist() == ["陳大文"] * 5


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separator_sniffed_and_kept(tmp_path, rows, oracle, sep):
    df = rows.head(9).assign(note="a,b;c")
    text = df.to_csv(index=False, sep=sep, decimal="," if sep == ";" else ".")
    (tmp_path / "in.csv").write_text(text)
    _score(oracle, tmp_path / "in.csv", tmp_path / "out.csv")
    back = pd.read_csv(tmp_path / "out.csv", sep=sep, dtype=str)
    assert back["note"].tolist() == ["a,b;c"] * 9 and PROBABILITY in back.columns


def test_invisible_characters_in_headers(tmp_path, rows, oracle):
    df = rows.head(5).rename(columns={"monthly_income": "\u200bmonthly\u00ad_income\u200e", "savings": "\ufeffsavings"})
    df.to_csv(tmp_path / "in.csv", index=False)
    _score(oracle, tmp_path / "in.csv", tmp_path / "out.csv")
    back = read_table(tmp_path / "out.csv")
    assert "\u200bmonthly\u00ad_income\u200e" in back.columns  # matched, and written back as it was


def test_xlsx_read_and_written(tmp_path, rows, oracle):
    df = rows.head(20).assign(id=[f"{i:05d}" for i in range(20)])
    df.to_excel(tmp_path / "in.xlsx", index=False)
    _score(oracle, tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    back = pd.read_excel(tmp_path / "out.xlsx", dtype={"id": str})
    assert back["id"].tolist() == df["id"].tolist()
    np.testing.assert_allclose(back[PROBABILITY], oracle.predict_proba(df)[:, 1])
    (tmp_path / "renamed.csv").write_bytes((tmp_path / "in.xlsx").read_bytes())  # renamed: told by its bytes
    _score(oracle, tmp_path / "renamed.csv", tmp_path / "out2.csv")


def test_xlsx_output_refuses_control_characters_in_our_words(tmp_path, rows, oracle):
    rows.head(3).assign(note=["a\x01b", "ok", "x"]).to_csv(tmp_path / "in.csv", index=False)
    with pytest.raises(ValueError, match=r"row 1 of the output holds a value a worksheet cannot store.*\.csv"):
        _score(oracle, tmp_path / "in.csv", tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
    _score(oracle, tmp_path / "in.csv", tmp_path / "out.csv")  # a CSV holds it, as written
    assert read_table(tmp_path / "out.csv")["note"].tolist() == ["a\x01b", "ok", "x"]


def test_xlsx_without_openpyxl_names_the_extra(tmp_path, rows, oracle, monkeypatch):
    import builtins

    rows.head(3).to_excel(tmp_path / "in.xlsx", index=False)
    real = builtins.__import__

    def no_openpyxl(name, *a, **k):
        if name == "openpyxl":
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    with pytest.raises(ValueError, match=r"pip install 'xieshang\[excel\]'"):
        _score(oracle, tmp_path / "in.xlsx", tmp_path / "out.csv")


# -- 10. None as unknown; JSON applicants -------------------------------------------------------


def test_text_none_is_unknown_where_unknown_is_allowed(tmp_path, rows, oracle):
    df = rows.head(6).astype(str)
    df["credit_score"] = "None"
    df["hardship_reason"] = "none"  # a value of its own there
    df.to_csv(tmp_path / "in.csv", index=False)
    assert _score(oracle, tmp_path / "in.csv", tmp_path / "out.csv") == 6


def test_json_applicant_duplicate_keys_bom_and_huge_integers(tmp_path):
    p = tmp_path / "a.json"
    p.write_text('{"monthly_income": 8000, "monthly_income": 9000}')
    with pytest.raises(ValueError, match="'monthly_income' appear more than once"):
        read_json_object(p)
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps({"月收入": 8000}, ensure_ascii=False).encode())
    assert read_json_object(p) == {"月收入": 8000}
    p.write_text('{"monthly_income": ' + "9" * 5000 + "}")
    with pytest.raises(ValueError, match="an integer of 5000 digits"):
        read_json_object(p)


def test_input_never_changed(tmp_path, rows, oracle):
    rows.to_csv(tmp_path / "in.csv", index=False, encoding="gb18030")
    before = (tmp_path / "in.csv").read_bytes()
    _score(oracle, tmp_path / "in.csv", tmp_path / "out.parquet")
    assert (tmp_path / "in.csv").read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["in.csv", "out.parquet"]
