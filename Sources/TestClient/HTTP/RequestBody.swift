import Foundation

/// A request body and the `Content-Type` it implies.
struct RequestBody: Sendable {
    var bytes: [UInt8]
    var contentType: String?

    static let empty = RequestBody(bytes: [], contentType: nil)

    static func raw(_ bytes: [UInt8]?) -> RequestBody {
        RequestBody(bytes: bytes ?? [], contentType: nil)
    }

    static func json(_ value: some Encodable & Sendable, encoder: JSONEncoder = JSONEncoder()) throws -> RequestBody {
        RequestBody(bytes: Array(try encoder.encode(value)), contentType: "application/json")
    }

    static func form(_ fields: [(String, String)]) -> RequestBody {
        var bytes: [UInt8] = []
        for (name, value) in fields {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: "&")) }
            bytes += Percent.formEncode(name)
            bytes.append(UInt8(ascii: "="))
            bytes += Percent.formEncode(value)
        }
        return RequestBody(bytes: bytes, contentType: "application/x-www-form-urlencoded")
    }

    static func multipart(_ parts: [MultipartPart]) -> RequestBody {
        let (bytes, contentType) = MultipartEncoder.encode(parts)
        return RequestBody(bytes: bytes, contentType: contentType)
    }
}
