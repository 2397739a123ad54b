import Foundation
import HTTPTypes
import TestClient

/// `--output json`: one JSON object for scripts. A JSON body is a JSON value, other text a
/// string, anything else `body_base64`; with `-v` (or `--print` H/B) the request is included.
enum JSONRenderer {
    /// The response; `events`, the events of an event stream, go in as `events`.
    static func render(
        _ response: TestResponse,
        request: RequestPlan?,
        events: [ServerSentEvent]? = nil
    ) -> String {
        var object = headObject(response, request: request)
        body(response.body, contentType: response.headers[.contentType], into: &object)
        object["history"] = response.history.map { hop -> [String: Any] in
            ["status": Int(hop.status.code), "path": hop.path, "location": hop.headers[.location] ?? ""]
        }
        if let events { object["events"] = events.map(eventObject) }
        return line(object) + "\n"
    }

    /// `--stream --output json`: the first line, the head (and the request with `-v`); the body
    /// follows a line for each event or chunk, then a line that says what ended it.
    static func head(_ response: TestResponse, request: RequestPlan?) -> String {
        var object = headObject(response, request: request)
        object["type"] = "response"
        return line(object) + "\n"
    }

    /// One event of an event stream, as a line.
    static func line(_ event: ServerSentEvent) -> String {
        var object = eventObject(event)
        object["type"] = "event"
        return line(object) + "\n"
    }

    /// One chunk of a body that is no event stream, as a line.
    static func chunk(_ bytes: [UInt8], contentType: String?) -> String {
        var object: [String: Any] = ["type": "chunk"]
        body(bytes, contentType: contentType, into: &object)
        return line(object) + "\n"
    }

    private static func eventObject(_ event: ServerSentEvent) -> [String: Any] {
        var object: [String: Any] = ["event": event.event, "data": event.data]
        if let id = event.id { object["id"] = id }
        if let retry = event.retry { object["retry"] = retry }
        return object
    }

    private static func headObject(_ response: TestResponse, request: RequestPlan?) -> [String: Any] {
        var object: [String: Any] = [
            "status": Int(response.status.code),
            "headers": response.rawHeaders.map { [MessageRenderer.latin1($0.name), MessageRenderer.latin1($0.value)] },
        ]
        if let request {
            var sent: [String: Any] = [
                "method": request.method.rawValue,
                "path": request.target,
                "headers": request.sentHeaders(host: TestClientConfiguration().host).map { [$0.name, $0.value] },
            ]
            body(request.body ?? [], contentType: request.fields[.contentType], into: &sent)
            object["request"] = sent
        }
        return object
    }

    /// Sets `body` (a JSON value, or text) or `body_base64`.
    static func body(_ bytes: [UInt8], contentType: String?, into object: inout [String: Any]) {
        if contentType?.contains("json") == true,
            let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        {
            object["body"] = value
        } else if let text = String(validating: bytes, as: UTF8.self) {
            object["body"] = text
        } else {
            object["body_base64"] = Data(bytes).base64EncodedString()
        }
    }

    /// One line of JSON with sorted keys.
    static func line(_ object: [String: Any]) -> String {
        let data =
            (try? JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]
            )) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
