"""Every error path: descent's errors as ValueError with the CLI's message, the user's own
exceptions unchanged."""

import os

import numpy as np
import pytest

import descent
from descent import optim


def test_a_formula_error_shows_the_column_and_the_caret():
    with pytest.raises(ValueError) as e:
        descent.grad("x^2 + (y", at={"x": 1, "y": 1})
    assert str(e.value) == ("formula:1:9: expected ')' to close '(' opened at column 7\n"
                            "  x^2 + (y\n          ^")


def test_a_variable_without_a_value_is_named():
    with pytest.raises(ValueError, match="variable 'z' has no value"):
        descent.grad("x + z", at={"x": 1})


def test_an_unknown_optimizer_lists_the_known_ones():
    with pytest.raises(ValueError, match="adam"):
        descent.minimize("x^2", x0={"x": 1}, method="adamm")


def test_an_out_of_range_value_says_what_is_allowed():
    with pytest.raises(ValueError, match=r"adam: betas\[0\] = 1.2; must lie in \[0, 1\)"):
        descent.minimize("x^2", x0={"x": 1}, method="adam(betas=[1.2, 0.9])")


def test_a_bad_schedule_is_a_value_error():
    with pytest.raises(ValueError, match="schedule"):
        descent.minimize("x^2", x0={"x": 1}, schedule="sometimes")


def test_a_formula_needs_a_start_point():
    with pytest.raises(ValueError, match="x0"):
        descent.minimize("x^2 + y^2")


def test_negative_steps_are_refused():
    with pytest.raises(ValueError, match="steps"):
        descent.minimize("x^2", x0={"x": 1}, steps=-1)


class Boom(Exception):
    pass


def test_an_exception_in_the_objective_propagates_unchanged():
    def fun(x):
        raise Boom("from fun")

    with pytest.raises(Boom, match="from fun"):
        descent.minimize(fun, np.zeros(2), jac=lambda x: x)


def test_an_exception_in_the_gradient_propagates_unchanged():
    def jac(x):
        raise Boom("from jac")

    with pytest.raises(Boom, match="from jac"):
        descent.minimize(lambda x: 0.0, np.zeros(2), jac=jac, method="adam")


def test_an_exception_in_the_callback_propagates_unchanged():
    def cb(state):
        if state.step == 3:
            raise Boom("from callback")

    with pytest.raises(Boom):
        descent.minimize("x^2", x0={"x": 1}, callback=cb)


def test_a_gradient_of_the_wrong_size_is_a_value_error():
    with pytest.raises(ValueError, match="jac returned 3 values; x has 2"):
        descent.minimize(lambda x: 0.0, np.zeros(2), jac=lambda x: np.zeros(3))


def test_an_objective_returning_text_is_a_type_error():
    with pytest.raises(TypeError):
        descent.minimize(lambda x: "one", np.zeros(2), jac=lambda x: x)


def test_newton_on_a_function_without_hessian_is_refused():
    with pytest.raises(ValueError, match="Hessian"):
        descent.minimize(lambda x: float(x @ x), np.ones(2), jac=lambda x: 2 * x, method="newton")


def test_an_optimizer_step_refuses_the_wrong_dtype():
    opt = optim.Adam([np.zeros(3)])
    with pytest.raises(TypeError, match="float64"):
        opt.step([np.zeros(3, np.float32)])


def test_an_optimizer_refuses_integer_parameters():
    with pytest.raises(TypeError, match="float32 or float64"):
        optim.SGD([np.zeros(3, np.int64)]).step([np.zeros(3, np.int64)])


def test_an_optimizer_refuses_a_read_only_parameter():
    x = np.zeros(3)
    x.setflags(write=False)
    with pytest.raises(ValueError, match="read-only"):
        optim.SGD([x]).step([np.zeros(3)])


def test_an_optimizer_refuses_gradients_of_another_size():
    with pytest.raises(ValueError, match="has 2 elements"):
        optim.SGD([np.zeros(3)]).step([np.zeros(2)])


def test_an_optimizer_refuses_a_bad_hyperparameter():
    with pytest.raises(ValueError, match="lr"):
        optim.Adam([np.zeros(3)], lr=-1.0)


def test_lbfgs_is_refused_over_arrays():
    with pytest.raises(ValueError, match="descent.minimize"):
        descent._descent.ArrayOptimizer("lbfgs", 1)


def test_load_state_dict_of_another_optimizer_is_refused():
    a = optim.Adam([np.zeros(3)])
    a.step([np.ones(3)])
    with pytest.raises(ValueError):
        optim.SGD([np.zeros(3)], momentum=0.9).load_state_dict(a.state_dict())


def test_onecycle_past_its_end_is_a_value_error():
    opt = optim.SGD([np.zeros(1)], lr=0.1, momentum=0.9)
    sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=2)
    sched.step()
    sched.step()
    with pytest.raises(ValueError):
        sched.step()


def test_an_unknown_data_set_is_a_value_error():
    with pytest.raises(ValueError, match="nosuchset"):
        descent.datasets.load("nosuchset")


def test_negative_epochs_speak_of_the_option_not_a_flag():
    with pytest.raises(ValueError) as e:
        descent.train("iris", epochs=-1)
    assert "epochs" in str(e.value) and "--" not in str(e.value)


def test_a_missing_checkpoint_is_a_value_error(tmp_path):
    with pytest.raises(ValueError):
        descent.Model.load(os.path.join(tmp_path, "missing.ckpt"))


def test_a_picture_with_an_unknown_extension_is_refused(tmp_path):
    with pytest.raises(ValueError, match="png"):
        descent.plot("rosenbrock", ["adam"], out=os.path.join(tmp_path, "race.bmp"))


def test_bounds_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="2 coordinates"):
        descent.minimize(lambda x: float(x @ x), np.ones(2), bounds=[(0, 1)])


def test_bounds_naming_an_unknown_variable_are_refused():
    with pytest.raises(ValueError, match=r"\['z'\]"):
        descent.minimize("x^2 + y^2", {"x": 1, "y": 1}, bounds={"z": (0, 1)})


def test_bounds_with_low_above_high_are_refused():
    with pytest.raises(ValueError, match="bound"):
        descent.minimize("x^2", {"x": 1}, bounds={"x": (2, 1)})


def test_schedule_free_rules_refuse_bounds():
    with pytest.raises(ValueError, match="does not take bounds"):
        descent.minimize("x^2", {"x": 1}, method="sgd_schedulefree", bounds={"x": (0, 1)})
