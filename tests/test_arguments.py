"""xieshang.arguments: the command line's argument types and the refusals made before any work."""

import argparse

import pytest

from xieshang import arguments as A


@pytest.mark.parametrize("parse, text, message", [
    (A.positive_int, "0", "expected a positive integer, got '0'"),
    (A.positive_int, "x", "expected a positive integer, got 'x'"),
    (A.seed, "-1", "expected a non-negative integer seed"),
    (A.seed, str(2**32), "expected a seed below 2\\*\\*32"),
    (A.share, "1", "expected a share strictly between 0 and 1"),
    (A.share, "nan", "expected a share strictly between 0 and 1"),
    (A.probability, "0", "expected a probability strictly between 0 and 1"),
    (A.probability, "high", "expected a probability strictly between 0 and 1"),
])
def test_argument_types_say_what_was_expected(parse, text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parse(text)


def test_argument_types_accept_what_they_promise():
    assert A.positive_int("3") == 3 and A.seed("0") == 0 and A.seed(str(2**32 - 1)) == 2**32 - 1
    assert A.share("0.2") == 0.2 and A.probability("0.6") == 0.6
    assert A.int_at_least(1, "a port")("65535") == 65535
    assert A.separator("tab") == "\t" and A.separator(";") == ";" and A.separator(None) is None


def test_parser_errors_are_one_line_and_exit_2(capsys):
    parser = A.Parser(prog="xieshang")
    parser.add_argument("--rows", type=A.positive_int)
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["--rows", "0"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "(see 'xieshang --help')" in err


def test_test_size_and_memory_are_refused_before_any_work(monkeypatch):
    with pytest.raises(ValueError, match=r"--test-size 0\.001 holds out 1 of 300 rows"):
        A.check_test_size(300, 0.001)
    A.check_test_size(300, 0.2)
    monkeypatch.setattr(A, "available_memory", lambda: 2**30)
    with pytest.raises(ValueError, match="not enough memory: --rows 300,000,000"):
        A.check_memory(300_000_000)
    A.check_memory(1000)
    monkeypatch.setattr(A, "available_memory", lambda: None)  # unknown: never refused
    A.check_memory(300_000_000)
