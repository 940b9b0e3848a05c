"""The back service of the demo flows (the reference deployment's Spring Boot demo-service),
as a small Flask app. Run it under `opentelemetry-instrument`; it has no tracing code."""
import os
import time

from flask import Flask, jsonify, request

app = Flask("demo-service")


@app.get("/api/greeting")
def greeting():
    return jsonify(message=f"Hello, {request.args.get('name', 'world')}!")


@app.post("/api/chain")
def chain():
    depth = int((request.get_json(silent=True) or {}).get("depth", 1))
    return jsonify(depth=depth)


@app.post("/api/simulate")
def simulate():
    scenario = (request.get_json(silent=True) or {}).get("scenario", "")
    if scenario == "slow":
        time.sleep(0.25)
        return jsonify(scenario="slow")
    if scenario == "error":
        return jsonify(error="simulated failure"), 500
    return jsonify(scenario=scenario)


@app.get("/actuator/health")
def health():
    return jsonify(status="UP")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
