"""JupyterLab server settings for the ML stack: the login token comes from a Compose secret."""

import os
import pathlib

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

token_file = pathlib.Path(os.environ.get("JUPYTER_TOKEN_FILE", "/run/secrets/jupyter_token"))
token = token_file.read_text(encoding="utf-8").strip()
if not token:
    raise SystemExit(f"{token_file} is empty: refusing to start JupyterLab without a token")

c.IdentityProvider.token = token
c.ServerApp.ip = "0.0.0.0"
c.ServerApp.port = 8888
c.ServerApp.open_browser = False
c.ServerApp.root_dir = os.environ.get("NOTEBOOK_DIR", "/home/app/notebooks")
