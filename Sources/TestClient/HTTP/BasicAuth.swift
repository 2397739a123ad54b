import Foundation
public import HTTPTypes

extension HTTPField {
    /// An `Authorization: Basic …` field for `user` and `password` (RFC 7617, UTF-8).
    ///
    /// ```swift
    /// try await client.get("/private", headers: HTTPFields([.basicAuthorization(user: "ana", password: "pw")]))
    /// ```
    public static func basicAuthorization(user: String, password: String) -> HTTPField {
        HTTPField(name: .authorization, value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    }
}
