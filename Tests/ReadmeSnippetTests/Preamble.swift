import TestClient

// What the README's snippets use without declaring it. The snippets that are plain statements
// become methods of `ReadmeContext` (Generated/ReadmeSnippets.swift), so they see these names as
// a reader imagines them: a client already open, a model type, a body to stream.

/// The model type the recipes send and decode.
struct Item: Codable, Equatable, Sendable {
    var name: String
    var price: Double
}

/// The names a statement snippet may use as if declared before it.
struct ReadmeContext {
    /// The client a snippet sends its requests with.
    let client: TestClient

    /// A request body streamed in chunks.
    let chunks: AsyncStream<[UInt8]>

    /// Whether a streamed response has said enough.
    func done(_ chunk: [UInt8]) -> Bool { chunk.isEmpty }
}
