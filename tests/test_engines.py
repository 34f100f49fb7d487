"""utils.engines: each local engine starts, trains a tiny xgboost model, stops, and stays quiet.

Each engine is started once (Dask ~3 s, Spark ~5-10 s on two busy cores).
"""

import os

import numpy as np
import pytest

from utils import engines


def tiny_problem(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 3)).astype(np.float32)
    t = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.float32)
    return X, t


PARAMS = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 2,
          "nthread": 1, "verbosity": 0}


def test_bad_inputs_are_refused_before_anything_starts():
    with pytest.raises(ValueError, match="at least one worker"):
        with engines.local_dask(n_workers=0):
            pass
    with pytest.raises(ValueError, match="at least one worker"):
        with engines.local_dask(threads_per_worker=0):
            pass
    with pytest.raises(ValueError, match="cores must be at least 1"):
        with engines.local_spark(cores=0):
            pass


def test_a_missing_package_names_what_to_install():
    with pytest.raises(ImportError, match="pip install 'no-such-pkg'"):
        engines._need("no_such_module_bbdl", "no-such-pkg")


def test_children_write_to_a_log_and_the_descriptors_come_back(tmp_path):
    import subprocess
    import sys

    log = tmp_path / "children.log"
    before = os.fstat(2).st_ino
    with engines._children_write_to(str(log)):
        subprocess.run([sys.executable, "-c", "import sys; print('out'); "
                        "print('err', file=sys.stderr)"], check=True)
    assert os.fstat(2).st_ino == before
    assert log.read_text().split() == ["out", "err"]


def test_dask_trains_like_a_single_node(capfd):
    pytest.importorskip("distributed")
    import dask.array as da
    import xgboost as xgb
    import xgboost.dask as dxgb

    X, t = tiny_problem()
    single = xgb.train(PARAMS, xgb.DMatrix(X, t), 5).predict(xgb.DMatrix(X))
    with engines.local_dask(n_workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        assert all(w.startswith("tcp://127.0.0.1:") for w in client.scheduler_info()["workers"])
        dtrain = dxgb.DaskDMatrix(client, da.from_array(X, chunks=(100, 3)),
                                  da.from_array(t, chunks=100))
        booster = dxgb.train(client, PARAMS, dtrain, 5)["booster"]
    # fewer distinct values than bins: the merged sketch is exact, so the trees are the same
    np.testing.assert_allclose(booster.predict(xgb.DMatrix(X)), single, atol=1e-6)
    assert "got rank" not in capfd.readouterr().err  # the workers' lines went to the log


def test_spark_trains_and_stops(capfd):
    pytest.importorskip("pyspark")
    import pandas as pd
    from xgboost.spark import SparkXGBClassifier

    X, t = tiny_problem()
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(t=t)
    with engines.local_spark(cores=2) as spark:
        data = spark.createDataFrame(frame)
        model = SparkXGBClassifier(features_col=["a", "b", "c"], label_col="t", num_workers=2,
                                   max_depth=2, n_estimators=5, verbosity=0,
                                   verbose=False).fit(data)
        accuracy = model.transform(data).selectExpr("avg(CAST(prediction = t AS INT))").first()[0]
    assert accuracy > 0.9
    assert spark.sparkContext._jsc is None  # stopped on exit
    err = capfd.readouterr().err
    assert "WARN" not in err and "got rank" not in err
