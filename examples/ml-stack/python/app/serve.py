"""Model server of the ML stack: loads a registered model from the MLflow tracking server
(MODEL_URI, default `models:/diabetes-regressor@champion`) and answers predictions over HTTP.

Endpoints (JSON):
  GET  /health   200 with the loaded model's name/version, 503 while the model is loading
  POST /predict  {"instances": [{"age": 0.03, ...}, ...]} or {"instances": [[10 numbers], ...]}
                 -> {"predictions": [...], "model_version": "1"}

The server listens at once and loads the model in the background, retrying until it exists
(e.g. the trainer has not registered it yet), so the health check tells when it is ready.
"""

import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import mlflow.pyfunc
import pandas as pd
from mlflow.tracking import MlflowClient

MODEL_URI = os.environ.get("MODEL_URI", "models:/diabetes-regressor@champion")
PORT = int(os.environ.get("PORT", "8080"))
RETRY_SECONDS = float(os.environ.get("LOAD_RETRY_SECONDS", "5"))
MAX_BODY = 1 << 20


class ModelHolder:
    """The loaded model plus what /health reports; filled in by the loader thread."""

    def __init__(self) -> None:
        self.model = None
        self.columns: list[str] = []
        self.version = None
        self.error = None

    def load_forever(self) -> None:
        while self.model is None:
            try:
                self.version = resolve_version(MODEL_URI)
                model = mlflow.pyfunc.load_model(MODEL_URI)
                schema = model.metadata.get_input_schema()
                self.columns = list(schema.input_names()) if schema is not None else []
                self.model = model
                self.error = None
                print(f"loaded {MODEL_URI} (version {self.version})", flush=True)
            except Exception as exc:  # keep serving /health while waiting for the model
                self.error = f"{type(exc).__name__}: {exc}"
                print(f"model not loadable yet ({self.error}); retrying", file=sys.stderr, flush=True)
                time.sleep(RETRY_SECONDS)


def resolve_version(uri: str):
    """Version number behind `models:/name@alias` or `models:/name/N` (None otherwise)."""
    if not uri.startswith("models:/"):
        return None
    ref = uri[len("models:/"):]
    client = MlflowClient()
    if "@" in ref:
        name, alias = ref.split("@", 1)
        return client.get_model_version_by_alias(name, alias).version
    name, _, version = ref.partition("/")
    return version or None


HOLDER = ModelHolder()


class Handler(BaseHTTPRequestHandler):
    server_version = "ml-stack-serve/1"

    def send_json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/") in ("/health", "/ping"):
            if HOLDER.model is None:
                self.send_json(503, {"status": "loading", "model_uri": MODEL_URI, "error": HOLDER.error})
            else:
                self.send_json(200, {"status": "ok", "model_uri": MODEL_URI, "model_version": HOLDER.version})
            return
        self.send_json(404, {"error": f"no route {self.path}; use GET /health or POST /predict"})

    def do_POST(self) -> None:
        if self.path.rstrip("/") not in ("/predict", "/invocations"):
            self.send_json(404, {"error": f"no route {self.path}; use POST /predict"})
            return
        if HOLDER.model is None:
            self.send_json(503, {"error": "model not loaded yet", "detail": HOLDER.error})
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
            if length <= 0 or length > MAX_BODY:
                raise ValueError(f"body must be 1..{MAX_BODY} bytes of JSON")
            payload = json.loads(self.rfile.read(length))
            frame = to_frame(payload, HOLDER.columns)
            predictions = HOLDER.model.predict(frame)
        except (ValueError, TypeError, KeyError) as exc:
            self.send_json(400, {"error": str(exc), "expected_columns": HOLDER.columns})
            return
        except Exception as exc:  # model-side failure: report, don't crash the server
            self.send_json(500, {"error": f"{type(exc).__name__}: {exc}"})
            return
        values = predictions.tolist() if hasattr(predictions, "tolist") else list(predictions)
        self.send_json(200, {"predictions": values, "model_version": HOLDER.version})

    def log_message(self, fmt: str, *args) -> None:
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def to_frame(payload, columns: list[str]) -> pd.DataFrame:
    """Turns {"instances": [...]} (or {"inputs": ...}) into a float DataFrame in model column order."""
    if not isinstance(payload, dict):
        raise ValueError('expected a JSON object like {"instances": [...]}')
    rows = payload.get("instances", payload.get("inputs"))
    if not isinstance(rows, list) or not rows:
        raise ValueError('"instances" must be a non-empty list of rows')
    if all(isinstance(row, dict) for row in rows):
        frame = pd.DataFrame(rows)
        if columns:
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise ValueError(f"rows lack columns {missing}")
            frame = frame[columns]
    elif all(isinstance(row, list) for row in rows):
        if columns and any(len(row) != len(columns) for row in rows):
            raise ValueError(f"each row needs {len(columns)} numbers, in the order of expected_columns")
        frame = pd.DataFrame(rows, columns=columns or None)
    else:
        raise ValueError("rows must be all objects or all lists")
    return frame.astype("float64")


def main() -> None:
    # As PID 1 in a container, SIGTERM is ignored unless handled: stop cleanly on `down`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    threading.Thread(target=HOLDER.load_forever, daemon=True).start()
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    print(f"serving {MODEL_URI} on :{PORT}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
