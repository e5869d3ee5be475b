"""Runs inside a fresh subprocess, in the verifier's temporary folder: the one
module of the package that imports TensorFlow/Keras.

    python -m flake8_keras_serial.verify.worker make   plan.json result.json
    python -m flake8_keras_serial.verify.worker load   plan.json result.json  (variant in the plan)
    python -m flake8_keras_serial.verify.worker script plan.json result.json

`make` builds every planned model, records its outputs on a fixed input and
saves it in each format; `load` loads every saved file and compares; `script`
runs the user's script with fit() capped and every save redirected. All
cases of a run share one process per step: TensorFlow's import is the cost.
Every file written goes into the workspace (the temporary folder in the plan).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import os
import signal
import sys
import traceback


def _keras(major: int):
    if major == 2:
        import tf_keras as keras  # noqa: PLC0415 - the verifier's heavy import, on purpose
    else:
        import keras  # noqa: PLC0415
    return keras


_WRAPPED = "Exception encountered:"


def describe(error: BaseException) -> dict:
    """Type and message; a Keras message that wraps the failures of the
    objects inside ("...could not be deserialized... Exception encountered:
    <cause>") also keeps each wrapped part, innermost last: the whole model's
    config before them can push them past the length kept."""
    text = str(error).strip()
    described = {"type": type(error).__name__, "message": text[:2000]}
    if _WRAPPED in text:
        described["chain"] = [part.strip()[:1000] for part in text.split(_WRAPPED)[1:]]
    return described


# --- the user's definitions ------------------------------------------------


class ModuleImportError(Exception):
    """The definitions copy of a user's file could not be imported."""


_FAILED_IMPORTS: dict[str, dict] = {}


def _load_module(name: str, path: str, package_root: str | None = None):
    """Import the definitions copy at `path` as module `name`, one top-level
    statement at a time: a statement that fails (a NameError on a dropped
    script name, a missing package) only takes the names it binds with it,
    and those names remember why. Nothing half-imported is left behind: the
    module is either in sys.modules with what could be defined, or absent."""
    if name in sys.modules:
        return sys.modules[name]
    if name in _FAILED_IMPORTS:
        raise ModuleImportError(_FAILED_IMPORTS[name]["message"])
    if package_root and package_root not in sys.path:
        sys.path.insert(0, package_root)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__verify_errors__ = {}
    sys.modules[name] = module
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), filename=path)
        parent = name.rpartition(".")[0]
        if parent:  # a package module: `from .blocks import Block` needs its package
            importlib.import_module(parent)
        for statement in tree.body:
            code = compile(ast.Module(body=[statement], type_ignores=[]), path, "exec")
            try:
                exec(code, module.__dict__)  # noqa: S102 - the user's own definitions, in a sandbox folder
            except Exception as error:  # noqa: BLE001 - remembered for the names it would bind
                for bound in _bound_names(statement):
                    module.__verify_errors__[bound] = describe(error)
    except Exception as error:  # noqa: BLE001
        sys.modules.pop(name, None)
        _FAILED_IMPORTS[name] = describe(error)
        raise ModuleImportError(f"{type(error).__name__}: {error}") from error
    return module


def _bound_names(statement: ast.stmt) -> list[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in statement.names]
    names = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
    return names


def _user_class(case: dict, module):
    try:
        return getattr(module, case["class_name"])
    except AttributeError:
        error = module.__verify_errors__.get(case["class_name"])
        if error is None:
            raise
        raise ModuleImportError(
            f"defining {case['class_name']} failed when its module was imported: {error['type']}: {error['message']}"
        ) from None


def _case_module(case: dict):
    return _load_module(case["module"], case["module_path"], case.get("package_root"))


def _custom_objects(module) -> dict:
    return {
        name: value
        for name, value in vars(module).items()
        if getattr(value, "__module__", None) == module.__name__ and (isinstance(value, type) or callable(value))
    }


def materialize(spec: dict, keras, module):
    """Rebuild an argument from its spec (see plan.value_spec)."""
    if "value" in spec:
        return spec["value"]
    if "function" in spec:
        return getattr(module, spec["function"])
    if "array" in spec:
        import numpy as np  # noqa: PLC0415

        return np.asarray(spec["array"], dtype="float32")
    if "attribute" in spec:
        module_name, _, attribute = spec["attribute"].rpartition(".")
        return getattr(importlib.import_module(module_name), attribute)
    target = keras
    for part in spec["keras"].split("."):
        target = getattr(target, part)
    if "args" not in spec:
        return target
    return target(*spec["args"], **spec.get("kwargs", {}))  # literals (plan.value_spec)


def _check_rebuild(original, rebuilt, x, result: dict) -> None:
    """from_config(get_config()) with the same weights must compute the same:
    when it does not, the config loses what the object was built with (KS102)
    or state set after construction (KS203), whatever the weights do."""
    if not result.get("probe"):
        return
    try:
        expected = original(x)
        rebuilt(x)
        rebuilt.set_weights(original.get_weights())
        result["rebuild_differs"] = not _same(rebuilt(x), expected)
    except Exception:  # noqa: BLE001 - weights of another structure: no measurement
        pass


def _config_missing(cls, args: list, kwargs: dict, config: dict) -> list[str]:
    """Constructor parameters given a value other than their default that
    get_config() leaves out: from_config() then builds something else (KS102)."""
    import inspect  # noqa: PLC0415

    try:
        signature = inspect.signature(cls.__init__)
        bound = signature.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return []
    missing = []
    for name, value in list(bound.arguments.items())[1:]:
        parameter = signature.parameters[name]
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD) or name in config:
            continue
        try:
            default_kept = parameter.default is not parameter.empty and bool(parameter.default == value)
        except Exception:  # noqa: BLE001 - an array compared with ==
            default_kept = False
        if not default_kept:
            missing.append(name)
    return missing


# --- probe inputs and outputs ------------------------------------------------


def _flat(value) -> list:
    """Outputs as a flat list of numpy arrays (a model may return a dict or a tuple)."""
    import numpy as np  # noqa: PLC0415

    if isinstance(value, dict):
        return [array for key in sorted(value) for array in _flat(value[key])]
    if isinstance(value, (list, tuple)):
        return [array for item in value for array in _flat(item)]
    return [np.asarray(value)]


def _same(first, second) -> bool:
    import numpy as np  # noqa: PLC0415

    first, second = _flat(first), _flat(second)
    return len(first) == len(second) and all(
        a.shape == b.shape and np.allclose(a, b, atol=1e-5, equal_nan=True) for a, b in zip(first, second)
    )


def _save_tree(path: str, value) -> None:
    """A probe input or output (array, dict or list of arrays) as one .npz file."""
    import numpy as np  # noqa: PLC0415

    if isinstance(value, dict):
        arrays = {f"d:{key}": np.asarray(item) for key, item in value.items()}
    elif isinstance(value, (list, tuple)):
        arrays = {f"l:{index:04d}": np.asarray(item) for index, item in enumerate(_flat(value))}
    else:
        arrays = {"a:": np.asarray(value)}
    np.savez(path, **arrays)


def _load_tree(path: str):
    import numpy as np  # noqa: PLC0415

    with np.load(path) as data:
        keys = sorted(data.files)
        if keys == ["a:"]:
            return data["a:"]
        if keys and keys[0].startswith("d:"):
            return {key[2:]: data[key] for key in keys}
        return [data[key] for key in keys]


def record_probe(workspace: str, case_id: str, model, x, result: dict) -> None:
    """Call the model twice on the probe: if the two calls differ, the model is
    random by design (noise, dropout always on) and outputs cannot be compared."""
    first = model(x)
    second = model(x)
    if not _same(first, second):
        result["random"] = True
        return
    _save_tree(os.path.join(workspace, f"{case_id}_x.npz"), x)
    _save_tree(os.path.join(workspace, f"{case_id}_y.npz"), first)
    result["probe"] = True


def _probe_input(case: dict, instance, keras):
    """A fixed input: integers below the vocabulary for an Embedding-first
    layer, floats otherwise; a list or a dict of such arrays when `call()`
    unpacks or indexes its inputs (`a, b = inputs`, `inputs["image"]`)."""
    structure = case.get("input_structure") or {}
    if "dict" in structure:
        return {key: _probe_array(case, instance, keras, seed) for seed, key in enumerate(structure["dict"])}
    if "list" in structure:
        return [_probe_array(case, instance, keras, seed) for seed in range(structure["list"])]
    return _probe_array(case, instance, keras, 0)


def _probe_array(case: dict, instance, keras, seed: int):
    import numpy as np  # noqa: PLC0415

    shape = (2, *case["input_shape"])
    generator = np.random.default_rng(seed)
    vocabulary = _embedding_vocabulary(instance, keras)
    if vocabulary:
        return generator.integers(0, vocabulary, size=shape).astype("int32")
    if case.get("input_dtype", "float32").startswith("int"):
        return generator.integers(0, case.get("input_high") or 2, size=shape).astype("int32")
    return generator.standard_normal(shape).astype("float32")


def _symbolic_inputs(case: dict, x, keras):
    """keras.Input tensors of the probe's structure, to wrap a layer in a Functional model."""
    def one(array):
        return keras.Input(shape=tuple(case["input_shape"]), dtype=str(array.dtype))

    if isinstance(x, dict):
        return {key: one(array) for key, array in x.items()}
    if isinstance(x, list):
        return [one(array) for array in x]
    return one(x)


def _embedding_vocabulary(instance, keras) -> int | None:
    """input_dim of the first Embedding the instance holds, if it starts with one."""
    embedding = keras.layers.Embedding
    if isinstance(instance, embedding):
        return int(instance.input_dim)
    for value in vars(instance).values():
        if isinstance(value, embedding):
            return int(value.input_dim)
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], embedding):
            return int(value[0].input_dim)
    return None


# --- the steps ------------------------------------------------------------


def make(plan: dict) -> dict:
    keras = _keras(plan["major"])
    workspace = plan["workspace"]
    results = {}
    for case in plan["cases"]:
        result = results.setdefault(case["case_id"], {"saved": {}})
        try:
            module = _case_module(case)
            cls = _user_class(case, module)
            args = [materialize(spec, keras, module) for spec in case["args"]]
            kwargs = {key: materialize(spec, keras, module) for key, spec in case["kwargs"].items()}
            instance = cls(*args, **kwargs)
            x = _probe_input(case, instance, keras)
            if case["kind"] == "layer":
                inputs = _symbolic_inputs(case, x, keras)
                model = keras.Model(inputs, instance(inputs))
            else:
                model = instance
                model(x)
            record_probe(workspace, case["case_id"], model, x, result)
        except Exception as error:  # noqa: BLE001 - reported, not hidden
            result["make"] = describe(error)
            continue
        result["weights"] = len(model.weights)
        try:
            config = instance.get_config()
            result["config_missing"] = _config_missing(cls, args, kwargs, config)
            rebuilt = type(instance).from_config(config)
            _check_rebuild(instance, rebuilt, x, result)
        except Exception as error:  # noqa: BLE001
            result["config_roundtrip"] = describe(error)
        for file_format in case["formats"]:
            path = os.path.join(workspace, f"{case['case_id']}.{file_format}")
            try:
                model.save(path)
                result["saved"][file_format] = {"path": path}
            except Exception as error:  # noqa: BLE001
                result["saved"][file_format] = {"error": describe(error)}
    return results


def load(plan: dict) -> dict:
    """Variant "isolated": the user's modules are not importable; "imported":
    they are imported first (their registrations run); "custom_objects": and
    passed to load_model()."""
    keras = _keras(plan["major"])
    workspace = plan["workspace"]
    variant = plan["variant"]
    made = plan["made"]
    results = {}
    for case in plan["cases"]:
        case_result = results.setdefault(case["case_id"], {})
        custom_objects = None
        if variant != "isolated":
            try:
                module = _case_module(case)
            except Exception as error:  # noqa: BLE001
                case_result["import"] = describe(error)
                continue
            if variant == "custom_objects":
                custom_objects = _custom_objects(module)
        for file_format, saved in made.get(case["case_id"], {}).get("saved", {}).items():
            if "path" not in saved:
                continue
            outcome = case_result.setdefault(file_format, {})
            try:
                keras.backend.clear_session()
                model = keras.models.load_model(saved["path"], custom_objects=custom_objects)
                outcome["loaded"] = True
                outcome["weights"] = len(model.weights)
                probe = os.path.join(workspace, f"{case['case_id']}_x.npz")
                if os.path.exists(probe):  # no probe: outputs are not compared
                    y = model(_load_tree(probe))
                    outcome["same_outputs"] = _same(y, _load_tree(os.path.join(workspace, f"{case['case_id']}_y.npz")))
            except Exception as error:  # noqa: BLE001
                outcome["error"] = describe(error)
    return results


# --- --run-script ------------------------------------------------------------


class _Tail:
    """stderr passed through, its last characters kept (argparse's usage line)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.kept = ""

    def write(self, text: str) -> int:
        self.kept = (self.kept + text)[-2000:]
        return self.stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def _first_samples(data):
    """The first two samples of what fit()/predict() got, as numpy values."""
    import numpy as np  # noqa: PLC0415

    if data is None:
        return None
    if isinstance(data, dict):
        return {key: np.asarray(value)[:2] for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [np.asarray(value)[:2] for value in data]
    if hasattr(data, "take") and hasattr(data, "element_spec"):  # tf.data.Dataset, batched
        element = next(iter(data.take(1)))
        if isinstance(element, tuple):
            element = element[0]
        return _first_samples(element)
    if hasattr(data, "__getitem__") and hasattr(data, "__len__") and not hasattr(data, "shape"):
        batch = data[0]  # keras.utils.PyDataset / Sequence: (x, y) batches
        return _first_samples(batch[0] if isinstance(batch, tuple) else batch)
    if hasattr(data, "shape"):
        return np.asarray(data)[:2]
    return None


def _script_probe(model):
    """What the script fed the model (first choice), else its declared inputs,
    else the shape it was built with."""
    import numpy as np  # noqa: PLC0415

    captured = getattr(model, "_keras_serial_probe", None)
    if captured is not None:
        return captured, "the data the script gave fit()"
    rng = np.random.default_rng(0)

    def tensor_for(shape, dtype) -> "np.ndarray":
        shape = tuple(2 if size is None else size for size in shape)
        if "int" in str(dtype):
            return np.zeros(shape, dtype="int32")
        return rng.standard_normal(shape).astype("float32")

    try:
        inputs = model.inputs
    except AttributeError:
        inputs = None
    if inputs:
        probes = [tensor_for(tensor.shape, tensor.dtype) for tensor in inputs]
        return (probes[0] if len(probes) == 1 else probes), "the model's declared inputs"
    built = getattr(model, "_build_shapes_dict", None)
    if isinstance(built, dict) and len(built) == 1:
        (shape,) = built.values()
        return tensor_for(shape, "float32"), "the shape the model was built with"
    return None, "the script gave fit() no data the verifier could read, and the model declares no inputs"


class ScriptSaves:
    """Every model save of the script, redirected into the workspace, and the
    loads of those paths sent to the redirected files."""

    def __init__(self, workspace: str, prefix: str = "s") -> None:
        self.workspace = workspace
        self.prefix = prefix  # case ids unique among all the scripts of a run
        self.saved: list[dict] = []
        self.moved: dict[str, str] = {}  # the script's absolute path -> ours

    def target(self, filepath, folder: str) -> str:
        original = os.path.abspath(str(filepath))
        if original in self.moved:
            return self.moved[original]
        name = os.path.basename(original.rstrip("/\\")) or "model"
        directory = os.path.join(self.workspace, folder, f"{self.prefix}{len(self.moved)}")
        os.makedirs(directory, exist_ok=True)
        self.moved[original] = os.path.join(directory, name)
        return self.moved[original]

    def source(self, filepath) -> object:
        """Where a load of `filepath` reads: our copy when the script saved it."""
        try:
            return self.moved.get(os.path.abspath(str(filepath)), filepath)
        except (TypeError, ValueError):
            return filepath

    def model_saved(self, model, filepath) -> dict:
        case_id = f"{self.prefix}{len(self.saved)}"
        entry = {
            "case_id": case_id,
            "original": str(filepath),
            "path": self.target(filepath, "saved"),
            "class_name": type(model).__name__,
            "module": type(model).__module__,
            "subclassed": type(model).__name__ not in ("Functional", "Sequential"),
        }
        self.saved.append(entry)
        entry["contains"] = _custom_classes(model)
        probe, entry["probe_from"] = _script_probe(model)
        if probe is not None:
            try:
                record_probe(self.workspace, case_id, model, probe, entry)
            except Exception as error:  # noqa: BLE001 - the comparison is then not possible
                entry["probe_error"] = describe(error)
        if entry.get("probe") and entry["subclassed"]:
            try:
                rebuilt = type(model).from_config(model.get_config())
            except Exception:  # noqa: BLE001 - the load steps report it
                rebuilt = None
            if rebuilt is not None:
                _check_rebuild(model, rebuilt, probe, entry)
        return entry


def _custom_classes(model) -> list[str]:
    """The names of the classes not from Keras that the model holds, at any depth."""
    names: set[str] = set()
    try:
        layers = model._flatten_layers(include_self=False, recursive=True)  # noqa: SLF001 - Keras 2 and 3 both
    except Exception:  # noqa: BLE001 - an odd model: nothing to attribute failures to
        return []
    for layer in layers:
        module = type(layer).__module__ or ""
        if not module.startswith(("keras", "tf_keras", "tensorflow")):
            names.add(type(layer).__name__)
    return sorted(names)


def _patch_library(keras, saves: ScriptSaves, originals: list) -> None:
    model_class = keras.Model
    original_save = model_class.save
    original_save_weights = model_class.save_weights
    original_load_weights = model_class.load_weights
    original_fit = model_class.fit
    original_predict = model_class.predict

    def save(self, filepath, *args, **kwargs):
        entry = saves.model_saved(self, filepath)
        try:
            return original_save(self, entry["path"], *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - the script goes on, as it would not have
            entry["error"] = describe(error)
            return None

    def save_weights(self, filepath, *args, **kwargs):
        return original_save_weights(self, saves.target(filepath, "weights"), *args, **kwargs)

    def load_weights(self, filepath, *args, **kwargs):
        return original_load_weights(self, saves.source(filepath), *args, **kwargs)

    def fit(self, *args, **kwargs):
        _remember_probe(self, args, kwargs)
        kwargs["epochs"] = 1
        kwargs["steps_per_epoch"] = 1
        kwargs.pop("initial_epoch", None)
        kwargs.pop("validation_steps", None)
        if "validation_data" in kwargs:
            kwargs["validation_steps"] = 1
        return original_fit(self, *args, **kwargs)

    def predict(self, *args, **kwargs):
        _remember_probe(self, args, kwargs)
        return original_predict(self, *args, **kwargs)

    model_class.save, model_class.save_weights, model_class.load_weights = save, save_weights, load_weights
    model_class.fit, model_class.predict = fit, predict
    originals.append((model_class, original_save))


def _remember_probe(model, args, kwargs) -> None:
    if getattr(model, "_keras_serial_probe", None) is not None:
        return
    try:
        probe = _first_samples(args[0] if args else kwargs.get("x"))
    except Exception:  # noqa: BLE001 - a generator or an odd container: no probe from it
        probe = None
    if probe is not None:
        object.__setattr__(model, "_keras_serial_probe", probe)


def _patch_functions(saves: ScriptSaves, keras_modules: list) -> None:
    """keras.saving.save_model / load_model and their aliases, wherever the
    script might reach them (keras.models, tf.keras.saving, ...)."""
    save_functions = set()
    load_functions = set()
    for keras in keras_modules:
        for namespace in ("saving", "models"):
            module = getattr(keras, namespace, None)
            if module is None:
                continue
            if hasattr(module, "save_model"):
                save_functions.add(module.save_model)
            if hasattr(module, "load_model"):
                load_functions.add(module.load_model)

    def wrap_save(original):
        def save_model(model, filepath, *args, **kwargs):
            entry = saves.model_saved(model, filepath)
            try:
                return original(model, entry["path"], *args, **kwargs)
            except Exception as error:  # noqa: BLE001
                entry["error"] = describe(error)
                return None

        return save_model

    def wrap_load(original):
        def load_model(filepath, *args, **kwargs):
            return original(saves.source(filepath), *args, **kwargs)

        return load_model

    replacements = {function: wrap_save(function) for function in save_functions}
    replacements.update({function: wrap_load(function) for function in load_functions})
    for name, module in list(sys.modules.items()):
        if not name.startswith(("keras", "tf_keras", "tensorflow")) or module is None:
            continue
        if "src" in name.split("."):  # Keras's own internals: Model.save calls them
            continue
        for attribute in ("save_model", "load_model"):
            value = getattr(module, attribute, None) if attribute in getattr(module, "__dict__", {}) else None
            if value in replacements:
                setattr(module, attribute, replacements[value])


# keras.datasets loaders and what they return: (x shape after the count,
# x dtype, label shape after the count, number of classes); None = a sequence data set.
_DATASETS = {
    "mnist": ((28, 28), "uint8", (), 10),
    "fashion_mnist": ((28, 28), "uint8", (), 10),
    "cifar10": ((32, 32, 3), "uint8", (1,), 10),
    "cifar100": ((32, 32, 3), "uint8", (1,), 100),
    "boston_housing": ((13,), "float64", (), None),
    "california_housing": ((8,), "float64", (), None),
    "imdb": (None, "int", (), 2),
    "reuters": (None, "int", (), 46),
}
_SYNTHETIC_TRAIN, _SYNTHETIC_TEST = 64, 16


def _synthetic_loader(name: str, spec, used: list):
    """A load_data() that returns random data of the data set's shapes and dtypes."""
    import numpy as np  # noqa: PLC0415

    x_shape, x_dtype, y_shape, classes = spec

    def split(count: int, rng, num_words: int):
        if x_shape is None:  # token-id sequences of varied length, below num_words
            x = np.empty(count, dtype=object)
            for index in range(count):
                x[index] = [1, *rng.integers(2, num_words, size=int(rng.integers(10, 80))).tolist()]
        elif x_dtype == "uint8":
            x = rng.integers(0, 256, size=(count, *x_shape)).astype("uint8")
        else:
            x = rng.standard_normal((count, *x_shape)).astype(x_dtype)
        if classes is None:
            y = rng.standard_normal((count, *y_shape)).astype("float64")
        else:
            y = rng.integers(0, classes, size=(count, *y_shape)).astype("uint8" if x_dtype == "uint8" else "int64")
        return x, y

    def load_data(*args, **kwargs):
        used.append(f"keras.datasets.{name}.load_data")
        rng = np.random.default_rng(0)
        num_words = kwargs.get("num_words") or 1000
        return split(_SYNTHETIC_TRAIN, rng, num_words), split(_SYNTHETIC_TEST, rng, num_words)

    return load_data


def _offline(keras_modules: list, used: list) -> None:
    """No network inside the verifier: data sets become synthetic data of the
    same shapes; a download that is not in the Keras cache fails with a
    message naming the call."""
    import socket  # noqa: PLC0415

    def blocked(*args, **kwargs):
        raise OSError("network access is blocked inside keras-serial verify")

    socket.socket.connect = blocked
    socket.create_connection = blocked
    for keras in keras_modules:
        datasets = getattr(keras, "datasets", None)
        for name, spec in _DATASETS.items():
            module = getattr(datasets, name, None) if datasets is not None else None
            if module is not None and hasattr(module, "load_data"):
                module.load_data = _synthetic_loader(name, spec, used)
        utils = getattr(keras, "utils", None)
        if utils is not None and hasattr(utils, "get_file"):
            utils.get_file = _offline_get_file(utils.get_file)


def _offline_get_file(original):
    def get_file(fname=None, origin=None, *args, **kwargs):
        try:
            return original(fname, origin, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - said in one line, naming the call
            raise RuntimeError(
                f"keras.utils.get_file({fname!r}, origin={origin!r}) needs the network, which keras-serial verify "
                "blocks: put the file in ~/.keras/datasets to run the script offline"
            ) from error

    return get_file


def run_script(plan: dict) -> dict:
    """Run the user's script in a mirror of its folder, with fit() capped to
    one step and every model save redirected into the workspace; record what
    it saved."""
    import runpy  # noqa: PLC0415

    keras = _keras(plan["major"])
    keras_modules = [keras]
    try:
        import tensorflow as tf  # noqa: PLC0415

        keras_modules.append(tf.keras)  # loads tf.keras's namespaces, so they are patched too
    except Exception:  # noqa: BLE001 - a backend without TensorFlow
        pass
    saves = ScriptSaves(plan["workspace"], plan.get("case_prefix", "s"))
    _patch_library(keras, saves, [])
    _patch_functions(saves, keras_modules)
    synthetic: list[str] = []
    _offline(keras_modules, synthetic)
    result: dict = {"saved": saves.saved, "synthetic": synthetic}
    sys.argv = [plan["script"], *plan.get("script_args", [])]
    os.chdir(os.path.dirname(plan["script"]))
    tail = _Tail(sys.stderr)
    sys.stderr = tail
    try:
        runpy.run_path(plan["script"], run_name="__main__")
    except SystemExit as error:
        if error.code not in (None, 0):
            last = tail.kept.strip().splitlines()[-1:] or [""]
            result["script_error"] = {"type": "SystemExit", "message": f"exit status {error.code}; {last[0]}".strip()}
    except Exception as error:  # noqa: BLE001
        result["script_error"] = describe(error)
    finally:
        sys.stderr = tail.stream
    return result


def main(argv: list[str]) -> int:
    step, plan_path, result_path = argv
    # A cancelled run (SIGTERM) ends quietly; the parent reports it.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(143))
    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    try:
        results = {"make": make, "load": load, "script": run_script}[step](plan)
    except BaseException as error:  # noqa: BLE001 - the parent reads the file, not our traceback
        results = {"crash": describe(error), "traceback": traceback.format_exc()[-4000:]}
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
