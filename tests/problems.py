"""Reading the API's error bodies (RFC 9457 problem details, core.api) in tests."""


def errors(response) -> dict[str, list[str]]:
    """The problem's errors by field ("detail" for those of no field): {field: [messages]}."""
    body = response.json()
    assert response["Content-Type"].startswith("application/problem+json"), body
    found: dict[str, list[str]] = {}
    for error in body.get("errors") or [{"field": None, "message": body["detail"]}]:
        field = (error["field"] or "detail").split(".")[0]
        found.setdefault(field, []).append(error["message"])
    return found
