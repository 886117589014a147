from pathlib import Path

import pytest

from xieshang.contract import FEATURES
from xieshang.docs import DISCLAIMER_EN, DISCLAIMER_ZH, PROVENANCE_LABELS, render_data_dictionary
from xieshang.generator import EFFECTS, PROVENANCES, QUOTES_EN, Effect, generate

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (ROOT / "data" / "external" / "article.zh.txt").read_text(encoding="utf-8")


def provenance_problems(e: Effect) -> list[str]:
    """Why an effect's provenance is not valid (empty when it is)."""
    problems = []
    if e.provenance not in PROVENANCES:
        problems.append(f"provenance {e.provenance!r} is not one of {PROVENANCES}")
    if e.quote and e.quote not in ARTICLE:
        problems.append("quote is not verbatim in the article")
    if e.quote and not QUOTES_EN.get(e.quote):
        problems.append("quote has no English rendering")
    if e.provenance in ("article", "inference") and not e.quote:
        problems.append(f"an {e.provenance} effect needs the article's sentence")
    if e.provenance in ("inference", "assumption") and not (e.why_en.strip() and e.why_zh.strip()):
        problems.append(f"an {e.provenance} effect needs a why in zh and en")
    return problems


def test_data_dictionary_is_up_to_date():
    on_disk = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert on_disk == render_data_dictionary(), "data/README.md drifted from the code: run `make data-docs`"


def test_dictionary_names_every_column_and_effect_with_its_provenance():
    text = render_data_dictionary()
    for f in FEATURES:
        assert f"`{f.name}`" in text and f.label_zh in text and f.label_en in text
    for e in EFFECTS:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{e.name}` | {e.size:+g} |"))
        assert PROVENANCE_LABELS[e.provenance] in row
        for part in (e.quote, e.why_en, e.why_zh):
            assert part.replace("|", "\\|") in row, e.name


def test_dictionary_starts_with_the_disclaimer_and_claims_no_more_than_the_article_says():
    text = render_data_dictionary()
    head = text[: text.index("## Columns")]
    assert DISCLAIMER_EN in head and DISCLAIMER_ZH in head
    assert "不构成金融或法律建议" in DISCLAIMER_ZH and "not financial or legal advice" in DISCLAIMER_EN
    assert "the sentence of the article it comes from" not in text


def test_every_effect_has_a_valid_provenance():
    bad = {e.name: provenance_problems(e) for e in EFFECTS if provenance_problems(e)}
    assert not bad, bad
    # The article gives directions, not numbers: some effects must be ours, and say so.
    assert {e.provenance for e in EFFECTS} == set(PROVENANCES)


@pytest.mark.parametrize("effect, problem", [
    (Effect("x", 1.0, "t", "项", "hearsay", "", "w", "理"), "not one of"),
    (Effect("x", 1.0, "t", "项", "article"), "needs the article's sentence"),
    (Effect("x", 1.0, "t", "项", "article", "平台一定同意所有申请。"), "not verbatim"),
    (Effect("x", 1.0, "t", "项", "inference", EFFECTS[1].quote, why_en="because"), "needs a why"),
    (Effect("x", 1.0, "t", "项", "assumption"), "needs a why"),
])
def test_the_provenance_check_catches_bad_effects(effect, problem):
    assert any(problem in p for p in provenance_problems(effect))


def test_every_quote_is_verbatim_and_translated():
    for quote, english in QUOTES_EN.items():
        assert quote in ARTICLE and english.strip()


def test_every_quote_in_the_glossary_is_used():
    assert set(QUOTES_EN) == {e.quote for e in EFFECTS if e.quote}


def test_the_model_card_carries_the_disclaimer_and_every_effect_with_its_provenance():
    from types import SimpleNamespace

    from xieshang.reports import model_card

    model = SimpleNamespace(n_splits=2, calibration=("sigmoid",), clip=0.001)
    metrics = {"cross_validation": {"m": {}}, "winner": "m", "calibration": "sigmoid", "seed": 0,
               "data_fingerprint": "0" * 64, "n_train": 10, "n_test": 10, "test": {"m": {}}, "has_truth": False}
    card = model_card(model, metrics)
    head = card[: card.index("## Model details")]
    assert DISCLAIMER_EN in head and DISCLAIMER_ZH in head
    assert "quoted\n  from the article" not in card
    for e in EFFECTS:
        row = next(line for line in card.splitlines() if line.startswith(f"| `{e.name}` | {e.size:+g} |"))
        assert PROVENANCE_LABELS[e.provenance] in row


def dictionary_headers(text: str) -> dict[str, tuple[str, str]]:
    """Column name -> (中文, English) header, read from the data dictionary's table as a user would."""
    table = text[text.index("## Columns"): text.index("## How rows are drawn")]
    headers = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 4 and cells[0].startswith("`"):
            headers[cells[0].strip("`")] = (cells[3], cells[4])
    return headers


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_file_headed_as_the_dictionary_says_checks_and_trains(tmp_path, lang, capsys):
    """A user writes a CSV with the dictionary's Chinese (or English) headers: `check` passes and `train` trains."""
    from xieshang.cli import main

    headers = dictionary_headers((ROOT / "data" / "README.md").read_text(encoding="utf-8"))
    df = generate(400, seed=5)
    assert set(headers) == set(df.columns)  # the dictionary names every column a generated file has
    data = tmp_path / f"requests_{lang}.csv"
    df.rename(columns={name: pair[0 if lang == "zh" else 1] for name, pair in headers.items()}).to_csv(
        data, index=False)
    assert main(["check", str(data), "--lang", "en"]) == 0, capsys.readouterr().out
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "model"),
                 "--reports", str(tmp_path / "reports")]) == 0, capsys.readouterr()
    assert (tmp_path / "model" / "approval.joblib").is_file()
