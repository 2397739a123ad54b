/// One part of a `multipart/form-data` request body (RFC 7578): a text field or a file.
///
/// ```swift
/// let parts: [MultipartPart] = [
///     .field(name: "title", value: "café"),
///     .file(name: "file", filename: "a.txt", contentType: "text/plain", data: Array("hi".utf8)),
/// ]
/// ```
public enum MultipartPart: Sendable, Hashable {
    /// A text field, sent as UTF-8.
    ///
    /// - Parameters:
    ///   - name: The field name.
    ///   - value: The field value.
    case field(name: String, value: String)

    /// A file upload.
    ///
    /// - Parameters:
    ///   - name: The field name.
    ///   - filename: The file name the server sees.
    ///   - contentType: The `Content-Type` of the part; CR and LF in it are dropped.
    ///   - data: The file's bytes, sent as they are.
    case file(name: String, filename: String, contentType: String = "application/octet-stream", data: [UInt8])
}
