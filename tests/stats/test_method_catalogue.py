"""The web layers' list of methods (``domain/methods.py``, read without importing the
statistics) is the statistics' own registry and parameter defaults."""

from pollservice import stats
from pollservice.domain import methods
from pollservice.stats.methods import REGISTRY


def test_the_method_names_and_default_are_the_registry():
    assert methods.METHODS == stats.METHODS
    assert methods.DEFAULT_METHOD == stats.DEFAULT_METHOD
    assert set(methods.METHOD_LABELS) == set(stats.METHODS)


def test_the_methodology_values_are_the_parameter_defaults():
    for name, stated in methods.METHOD_PARAMS.items():
        defaults = REGISTRY[name].params_type()
        for field, value in stated.items():
            assert getattr(defaults, field) == value, (name, field)
    assert methods.UNKNOWN_SAMPLE_SIZE == stats.UNKNOWN_SAMPLE_SIZE
