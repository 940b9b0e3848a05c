"""The front service of the demo flows (the reference deployment's NestJS node-service),
as a small Flask app. Run it under `opentelemetry-instrument`; it has no tracing code."""
import os

import requests
from flask import Flask, jsonify, request

app = Flask("node-service")
DEMO = os.environ["DEMO_SERVICE_URL"]


@app.get("/api/greeting")
def greeting():
    reply = requests.get(f"{DEMO}/api/greeting", params={"name": request.args.get("name", "world")}, timeout=5)
    return jsonify(reply.json()), reply.status_code


@app.post("/api/chain")
def chain():
    depth = int((request.get_json(silent=True) or {}).get("depth", 1))
    reply = requests.post(f"{DEMO}/api/chain", json={"depth": depth}, timeout=5)
    return jsonify(reply.json()), reply.status_code


@app.post("/api/simulate")
def simulate():
    reply = requests.post(f"{DEMO}/api/simulate", json=request.get_json(silent=True) or {}, timeout=5)
    return jsonify(reply.json()), reply.status_code


@app.get("/health")
def health():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
