"""The tutorials' Flask app: a JSON greeting on / and a health endpoint on /health."""
import os
from datetime import datetime, timezone

from flask import Flask, jsonify

app = Flask(__name__)
PORT = int(os.environ.get("PORT", "3000"))


@app.route("/")
def home():
    return jsonify(
        message="Hello from Docker!",
        timestamp=datetime.now(timezone.utc).isoformat(),
    )


@app.route("/health")
def health():
    return jsonify(status="healthy")


if __name__ == "__main__":
    print(f"Server running on port {PORT}", flush=True)
    app.run(host="0.0.0.0", port=PORT)
