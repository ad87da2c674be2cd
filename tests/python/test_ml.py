"""Data sets, training, trained models and pictures from Python."""

import os

import numpy as np
import pytest

import descent


def test_digits_load_as_numpy_arrays():
    X, y = descent.datasets.load("digits")
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64 and set(y.tolist()) == set(range(10))


def test_a_regression_set_has_float_targets_and_info():
    X, y, info = descent.datasets.load("diabetes", return_info=True)
    assert y.dtype == np.float64 and not info["classification"] and X.shape[0] == y.shape[0]
    assert "digits" in descent.datasets.names()


def test_training_returns_the_epoch_history():
    seen = []
    run = descent.train(data="iris", model="softmax", optimizer="adam(lr=0.05)", epochs=3,
                        callback=seen.append)
    assert [e["epoch"] for e in run.history] == [1, 2, 3] == [e["epoch"] for e in seen]
    assert run.test_metric == run.history[-1]["test_metric"] and run.reason == "max_steps"


def test_a_saved_model_predicts_what_the_run_reported(tmp_path):
    path = os.path.join(tmp_path, "digits.ckpt")
    run = descent.train(data="digits", model="mlp(hidden=[64])", epochs=5, checkpoint=path)
    model = descent.Model.load(path)
    X, y = descent.datasets.load("digits")
    predicted = model.predict(X)
    assert predicted.dtype == np.int64 and predicted.shape == y.shape
    assert (predicted == y).mean() > 0.9
    assert model.predict(X, probabilities=True).shape == (1797, 10)
    assert run.final_model.predict(X).tolist() == predicted.tolist()


def test_training_takes_numpy_arrays():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    run = descent.train(data=(X, y), model="logistic", optimizer="adam(lr=0.1)", epochs=20)
    assert run.test_metric > 0.9


def test_plot_draws_a_race_picture(tmp_path):
    out = os.path.join(tmp_path, "race.png")
    runs = descent.plot("rosenbrock", optimizers=["adam(lr=0.05)", "lbfgs"], out=out)
    with open(out, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert set(runs) == {"adam(lr=0.05)", "lbfgs"} and runs["lbfgs"].fun < 1e-8


def test_plot_draws_a_training_history(tmp_path):
    out = os.path.join(tmp_path, "train.svg")
    descent.plot(descent.train("iris", model="softmax", epochs=2), out=out)
    assert os.path.getsize(out) > 1000


def test_a_diverged_training_speaks_of_the_option_not_a_flag():
    run = descent.train("diabetes", optimizer="sgd(lr=100)", batch_size=0, epochs=300)
    assert run.reason == "diverged" and "clip_norm=1" in run.message and "--" not in run.message
