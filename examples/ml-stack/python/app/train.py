"""Trainer of the ML stack: fits a scikit-learn regressor on the diabetes data set that ships
with scikit-learn (no download), logs parameters, metrics and the model to the MLflow tracking
server, registers the model and points the alias `champion` at the new version.

Settings come from the environment (see compose.yaml): MLFLOW_TRACKING_URI,
MLFLOW_EXPERIMENT_NAME, MODEL_NAME, MODEL_ALIAS, N_ESTIMATORS, MAX_DEPTH, LEARNING_RATE, SEED.
The last line printed is machine-readable: `RESULT {"run_id": ..., "model_version": ...}`.
"""

import json
import os
import sys

import mlflow
import mlflow.sklearn
from mlflow.models import infer_signature
from mlflow.tracking import MlflowClient
from sklearn.datasets import load_diabetes
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def main() -> int:
    experiment = os.environ.get("MLFLOW_EXPERIMENT_NAME", "diabetes")
    model_name = os.environ.get("MODEL_NAME", "diabetes-regressor")
    alias = os.environ.get("MODEL_ALIAS", "champion")
    params = {
        "n_estimators": env_int("N_ESTIMATORS", 200),
        "max_depth": env_int("MAX_DEPTH", 3),
        "learning_rate": env_float("LEARNING_RATE", 0.05),
        "random_state": env_int("SEED", 42),
    }

    data = load_diabetes(as_frame=True)
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.2, random_state=params["random_state"]
    )

    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name="gbr-diabetes") as run:
        mlflow.log_params(params)
        mlflow.log_param("dataset", "sklearn.datasets.load_diabetes")
        mlflow.log_param("n_train", len(x_train))

        model = GradientBoostingRegressor(**params).fit(x_train, y_train)
        predictions = model.predict(x_test)
        metrics = {
            "rmse": float(mean_squared_error(y_test, predictions) ** 0.5),
            "mae": float(mean_absolute_error(y_test, predictions)),
            "r2": float(r2_score(y_test, predictions)),
        }
        mlflow.log_metrics(metrics)

        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(x_test, predictions),
            input_example=x_test.head(3),
            registered_model_name=model_name,
            # MLflow saves scikit-learn models with skops, which only loads types it is told to
            # trust; the tree storage of our own, freshly trained model is safe to trust.
            skops_trusted_types=["sklearn.tree._tree.Tree"],
        )
        version = str(info.registered_model_version)
        MlflowClient().set_registered_model_alias(model_name, alias, version)

    print(
        f"trained {model_name} v{version} (alias {alias}): "
        + ", ".join(f"{k}={v:.4f}" for k, v in metrics.items())
    )
    result = {
        "run_id": run.info.run_id,
        "experiment": experiment,
        "model_name": model_name,
        "model_version": version,
        "alias": alias,
        "metrics": metrics,
    }
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
