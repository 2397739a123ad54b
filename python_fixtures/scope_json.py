"""Turns an ASGI scope into JSON-safe data: bytes become latin-1 text, so every byte survives."""


def _plain(value):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def scope_to_json(scope):
    data = {key: _plain(value) for key, value in scope.items() if key not in ("app", "router", "endpoint", "route", "state", "route_handler", "path_params", "fastapi_astack", "app_root_path")}
    data["state_keys"] = sorted(scope.get("state", {}) or {}) if "state" in scope else None
    return data
