"""Runs inside a fresh subprocess, in the verifier's temporary folder: the one
module of the package that imports TensorFlow/Keras.

    python -m flake8_keras_serial.verify.worker make  plan.json result.json
    python -m flake8_keras_serial.verify.worker load  plan.json result.json  (variant in the plan)

`make` builds every planned model, records its outputs on a fixed input and
saves it in each format; `load` loads every saved file and compares. All
cases of a run share one process per step: TensorFlow's import is the cost.
Every file written goes to the current folder (the temporary one).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback


def _keras(major: int):
    if major == 2:
        import tf_keras as keras  # noqa: PLC0415 - the verifier's heavy import, on purpose
    else:
        import keras  # noqa: PLC0415
    return keras


def describe(error: BaseException) -> dict:
    text = str(error).strip()
    return {"type": type(error).__name__, "message": text[:2000]}


def _load_module(name: str, folder: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, os.path.join(folder, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


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
    return target(*spec.get("args", []), **spec.get("kwargs", {})) if "args" in spec else target


def make(plan: dict) -> dict:
    import numpy as np  # noqa: PLC0415

    keras = _keras(plan["major"])
    results = {}
    for case in plan["cases"]:
        result = results.setdefault(case["case_id"], {"saved": {}})
        try:
            module = _load_module(case["module"], plan["modules_dir"])
            cls = getattr(module, case["class_name"])
            args = [materialize(spec, keras, module) for spec in case["args"]]
            kwargs = {key: materialize(spec, keras, module) for key, spec in case["kwargs"].items()}
            instance = cls(*args, **kwargs)
            x = np.random.default_rng(0).standard_normal((2, *case["input_shape"])).astype("float32")
            if case["kind"] == "layer":
                inputs = keras.Input(shape=tuple(case["input_shape"]))
                model = keras.Model(inputs, instance(inputs))
            else:
                model = instance
                model(x)
            y0 = np.asarray(model(x))
        except Exception as error:  # noqa: BLE001 - reported, not hidden
            result["make"] = describe(error)
            continue
        np.save(f"{case['case_id']}_x.npy", x)
        np.save(f"{case['case_id']}_y.npy", y0)
        result["weights"] = len(model.weights)
        try:
            type(instance).from_config(instance.get_config())
        except Exception as error:  # noqa: BLE001
            result["config_roundtrip"] = describe(error)
        for file_format in case["formats"]:
            path = f"{case['case_id']}.{file_format}"
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
    import numpy as np  # noqa: PLC0415

    keras = _keras(plan["major"])
    variant = plan["variant"]
    made = plan["made"]
    results = {}
    for case in plan["cases"]:
        case_result = results.setdefault(case["case_id"], {})
        custom_objects = None
        if variant != "isolated":
            try:
                module = _load_module(case["module"], plan["modules_dir"])
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
                outcome["weights"] = len(model.weights)
                if os.path.exists(f"{case['case_id']}_x.npy"):  # no probe: loading is the test
                    x = np.load(f"{case['case_id']}_x.npy")
                    y0 = np.load(f"{case['case_id']}_y.npy")
                    y = np.asarray(model(x))
                    outcome["same_outputs"] = bool(y.shape == y0.shape and np.allclose(y, y0, atol=1e-5))
            except Exception as error:  # noqa: BLE001
                outcome["error"] = describe(error)
    return results


def run_script(plan: dict) -> dict:
    """Run the user's script with fit() capped to one step and every save
    redirected into the current (temporary) folder; record what it saved."""
    import runpy  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415

    keras = _keras(plan["major"])
    saved: list[dict] = []
    model_class = keras.Model

    def redirect(model, filepath, extension_default=".keras"):
        original = str(filepath)
        name = os.path.basename(original.rstrip("/\\")) or "model"
        case_id = f"s{len(saved)}"
        entry = {"case_id": case_id, "original": original, "path": f"{case_id}_{name}",
                 "class_name": type(model).__name__, "module": type(model).__module__}
        saved.append(entry)
        try:  # a probe input from the model's own input shapes, for the output comparison
            shapes = [tuple(2 if size is None else size for size in tensor.shape) for tensor in model.inputs]
            if len(shapes) == 1:
                x = np.random.default_rng(0).standard_normal(shapes[0]).astype("float32")
                np.save(f"{case_id}_x.npy", x)
                np.save(f"{case_id}_y.npy", np.asarray(model(x)))
                entry["probe"] = True
        except Exception:  # noqa: BLE001 - subclassed models may have no declared inputs
            pass
        return entry["path"]

    original_save = model_class.save
    original_save_weights = model_class.save_weights
    original_fit = model_class.fit

    def save(self, filepath, *args, **kwargs):
        try:
            result = original_save(self, redirect(self, filepath), *args, **kwargs)
        except Exception as error:  # noqa: BLE001
            saved[-1]["error"] = describe(error)
            return None
        return result

    def save_weights(self, filepath, *args, **kwargs):
        name = os.path.basename(str(filepath).rstrip("/\\")) or "weights"
        return original_save_weights(self, f"weights_{name}", *args, **kwargs)

    def fit(self, *args, **kwargs):
        kwargs["epochs"] = 1
        kwargs["steps_per_epoch"] = 1
        kwargs.pop("initial_epoch", None)
        return original_fit(self, *args, **kwargs)

    model_class.save, model_class.save_weights, model_class.fit = save, save_weights, fit
    result: dict = {"saved": saved}
    sys.argv = [plan["script"]]
    try:
        runpy.run_path(plan["script"], run_name="__main__")
    except SystemExit:
        pass
    except Exception as error:  # noqa: BLE001
        result["script_error"] = describe(error)
    return result


def main(argv: list[str]) -> int:
    step, plan_path, result_path = argv
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
