
import numpy as np
import pytest

from explain.helpers import (
    as_row,
    rejected,
)
from xieshang.contract import feature
from xieshang.explain import (
    MAX_STEPS,
    option_space,
)


def test_option_space_grids_are_shared_read_only_and_index_right(pool):
    rows = [as_row(rejected(pool, 1, seed=s)) for s in range(73, 79)]
    rows.append({**rows[0], "communication": np.nan, "income_proof": np.nan, "savings": np.nan})
    for row in rows:
        space = option_space(row)
        assert not space.go.flags.writeable and not space.gp.flags.writeable  # shared between applicants
        shape = [len(space.dims[d].values) for d in space.other]
        codes = np.ravel_multi_index(tuple(space.go.T), shape) if shape else np.zeros(len(space.go), dtype=np.int64)
        assert np.array_equal(space.codes_o, codes)
        assert np.array_equal(space.o_index(space.go), np.arange(len(space.go)))
        assert space.o_index(space.go[-1]) == len(space.go) - 1
        if len(shape) > MAX_STEPS:  # a choice with too many steps is not an option
            with pytest.raises(KeyError):
                space.o_index(np.array([s - 1 for s in shape]))
        with pytest.raises(ValueError):
            space.o_index(np.array(shape))  # out of range
        for dim in space.dims:  # each dim's values as candidate columns store them
            f = feature(dim.name)
            if f.kind == "category":
                want = [-1 if v != v else f.categories.index(v) for v in dim.values]
                assert dim.stored.tolist() == want
            else:
                assert np.array_equal(dim.stored, np.asarray(dim.values, dtype=float), equal_nan=True)
    assert option_space(rows[0]).grids is option_space(rows[0]).grids
