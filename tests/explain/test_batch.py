
import pandas as pd
import pytest

from explain.helpers import (
    Counting,
    answer,
    rejected,
    with_blanks,
)
from xieshang.contract import FEATURE_NAMES
from xieshang.explain import (
    explain,
    explain_frame,
)


def test_scoring_is_batched(pool, oracle):
    counting = Counting(oracle)
    apps = rejected(pool, 20, seed=17)
    for i in range(len(apps)):
        explain(counting, apps.iloc[[i]])
    assert counting.calls <= 4 * len(apps)  # a few rounds per applicant, never one call per candidate
    assert max(counting.rows) > 50
    # explain_frame stacks every applicant's candidates into one call per round
    many = Counting(oracle)
    explain_frame(many, apps)
    assert many.calls <= 12 and many.calls < counting.calls / 4
    assert sum(many.rows) <= sum(counting.rows)


def test_explain_frame_gives_the_answers_of_explain(pool, oracle, small_model):
    apps = rejected(pool, 25, seed=62)
    for model in (oracle, small_model):
        batch = explain_frame(model, apps, target=0.6, lang="zh")
        assert len(batch) == len(apps)
        for i, b in enumerate(batch):
            one = explain(model, apps.iloc[[i]], target=0.6, lang="zh")
            assert b.status == one.status and b.probability == pytest.approx(one.probability)
            assert [r.feature for r in b.reasons] == [r.feature for r in one.reasons]
            assert [a.changes for a in b.actions] == [a.changes for a in one.actions]
            assert [a.probability for a in b.actions] == pytest.approx([a.probability for a in one.actions])
            assert str(b).splitlines()[2:] != [] and b.next_steps == one.next_steps
    with pytest.raises(ValueError, match=r"(?s)target.*lang"):
        explain_frame(oracle, apps, target=2, lang="fr")
    assert explain_frame(oracle, apps.iloc[:0]) == []


def test_explain_frame_and_explain_say_the_same_on_mixed_rows(pool, small_model):
    # Rows with and without blanks in one batch: a column whose value is unknown for some applicants is
    # stacked as float for all of them; every answer must still be the one explain gives alone.
    apps = pd.concat([rejected(pool, 12, seed=70)[list(FEATURE_NAMES)], with_blanks(rejected(pool, 12, seed=71), 5),
                      pool.sample(8, random_state=72)[list(FEATURE_NAMES)]], ignore_index=True)
    for lang in ("zh", "en"):
        batch = explain_frame(small_model, apps, target=0.6, lang=lang)
        for i, b in enumerate(batch):
            one, two = answer(b), answer(explain(small_model, apps.iloc[[i]], target=0.6, lang=lang))
            assert one["rest"] == two["rest"]
            assert one["floats"] == pytest.approx(two["floats"], rel=1e-9, abs=1e-12)


def test_stacked_rows_are_the_frame_pandas_public_constructor_builds(pool, monkeypatch):
    import numpy as np

    from xieshang.columns import CONTRACT_COLUMNS
    from xieshang.explain._batch import Rows, row_of, stack
    from xieshang.validation import applicant_frame, validate_frame

    holed = with_blanks(pool.head(20), seed=3)
    rows = [row_of(applicant_frame(holed.iloc[[i]])) for i in range(3)]
    batches = [Rows(r, 4) for r in rows]
    batches[1].cols["plan_months"] = np.array([12, 24, 36, 48])
    batches[2].cell(1, "communication", "proactive")
    fast = stack(batches)
    assert fast.columns is CONTRACT_COLUMNS and len(fast) == 12
    pd.testing.assert_frame_equal(validate_frame(fast), fast)  # clean: in the contract's dtypes already
    monkeypatch.delattr(pd.DataFrame, "_from_arrays")  # a pandas without it: the public constructor
    pd.testing.assert_frame_equal(stack(batches), fast)
    assert fast["plan_months"].iloc[4:8].tolist() == [12, 24, 36, 48]
    assert fast["communication"].iloc[9] == "proactive"


def test_explain_frame_and_explain_agree_where_savings_do_not_cover_the_down_payment(pool, small_model):
    # 9382a17: every option lowers such a down payment (Facts.unfunded) and the gap counts the same one; the
    # batch path runs the same search, so each row's answer is the one explain gives alone, in both languages.
    from xieshang.explain._facts import facts_of

    rows = [i for i in range(len(pool)) if facts_of(pool.iloc[i][list(FEATURE_NAMES)].to_dict()).unfunded(
        float(pool["down_payment_ratio"].iloc[i]))]
    apps = pool.iloc[rows[:30]][list(FEATURE_NAMES)].reset_index(drop=True)
    assert len(apps) == 30
    for lang in ("zh", "en"):
        batch = explain_frame(small_model, apps, target=0.6, lang=lang)
        assert len({b.status for b in batch}) >= 3  # options, no plan, at the target with money they lack...
        for i, b in enumerate(batch):
            one, two = answer(b), answer(explain(small_model, apps.iloc[[i]], target=0.6, lang=lang))
            assert one["rest"] == two["rest"]
            assert one["floats"] == pytest.approx(two["floats"], rel=1e-9, abs=1e-12)
            assert all(a.changes.get("down_payment_ratio", 1.0) < apps["down_payment_ratio"].iloc[i] for a in b.actions)
