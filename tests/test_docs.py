"""Learners read this package: every public function says what it does, with types and an example."""

import importlib
import inspect
import pkgutil

import pytest

import helpers

# Course tooling and the command line are for maintainers; everything else is learner-facing.
NOT_LEARNER_FACING = ("helpers.course", "helpers.__main__", "helpers.train_command")
# The modules whose functions lessons call directly: each of their public functions has type hints
# and an example. (The exercise checks' modules are called through check(), the tokenizers through
# their classes, whose methods need docstrings only.)
LEARNER_CALLS = ["helpers.notes", "helpers.music", "helpers.pianoroll", "helpers.playback",
                 "helpers.dataset", "helpers.folder", "helpers.lakh", "helpers.tokenizers",
                 "helpers.tokenizers.grammar", "helpers.token_data", "helpers.training",
                 "helpers.sampling", "helpers.generate", "helpers.checkpoints", "helpers.stats",
                 "helpers.models", "helpers.paths"]


def learner_modules():
    names = []
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if not info.name.startswith(NOT_LEARNER_FACING):
            names.append(info.name)
    return sorted(names)


def public_members(module):
    """Functions and classes defined in ``module`` (not imported), and the public methods of its classes."""
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield f"{module.__name__}.{name}", obj, True
        elif inspect.isclass(obj):
            yield f"{module.__name__}.{name}", obj, False
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not (inspect.isfunction(member) or isinstance(
                        member, (property, classmethod, staticmethod))):
                    continue
                yield f"{module.__name__}.{name}.{attr}", member, False


MODULES = learner_modules()


def test_the_learner_facing_modules_are_found():
    for name in ("helpers.notes", "helpers.music", "helpers.training", "helpers.tokenizers.positions",
                 "helpers.models.transformer", "helpers.check.core"):
        assert name in MODULES


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_function_and_method_has_a_docstring(module_name):
    module = importlib.import_module(module_name)
    assert inspect.getdoc(module), f"{module_name} has no module docstring"
    missing = []
    for qualname, obj, _ in public_members(module):
        target = obj.fget if isinstance(obj, property) else getattr(obj, "__func__", obj)
        if not (inspect.getdoc(target) or "").strip():
            missing.append(qualname)
    assert not missing, f"public definitions without a docstring: {missing}"


@pytest.mark.parametrize("module_name", LEARNER_CALLS)
def test_public_functions_have_type_hints_and_a_one_line_example(module_name):
    module = importlib.import_module(module_name)
    problems = []
    for qualname, obj, is_function in public_members(module):
        if not is_function:
            continue
        signature = inspect.signature(obj)
        hinted = signature.return_annotation is not inspect.Signature.empty or any(
            p.annotation is not inspect.Parameter.empty for p in signature.parameters.values())
        if signature.parameters and not hinted:
            problems.append(f"{qualname}: no type hints")
        if "Example" not in (inspect.getdoc(obj) or ""):
            problems.append(f"{qualname}: no 'Example' in its docstring")
    assert not problems, problems
