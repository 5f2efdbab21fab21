"""The hub's routes, one router per area; `hub.app.create_app` wires them together."""
