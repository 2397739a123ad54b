#if !Live
// Built without the package trait "Live": live mode's networking stack is not part of this build, so
// its API is declared unavailable, and a use of it fails to compile with the line that enables it.
// (With the trait, the other files of this module declare it; without, they are empty.)

public import TestClient

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Live mode needs the package trait "Live"; see the module's other declarations with it enabled.
@available(
    *, unavailable,
    message: "live mode needs the package trait \"Live\": add traits: [\"Live\"] to the .package(url: …/swift-asgi-testclient …) line (in this checkout: swift build --traits Live)"
)
public struct AppServer: Sendable, Hashable {
    /// Unavailable: needs the trait "Live".
    public static var inProcess: AppServer { fatalError("unavailable") }
    /// Unavailable: needs the trait "Live".
    /// - Parameter arguments: Arguments for uvicorn.
    /// - Returns: Nothing; needs the trait.
    public static func uvicorn(arguments: [String] = []) -> AppServer { fatalError("unavailable") }
}

/// Live mode needs the package trait "Live".
@available(
    *, unavailable,
    message: "live mode needs the package trait \"Live\": add traits: [\"Live\"] to the .package(url: …/swift-asgi-testclient …) line (in this checkout: swift build --traits Live)"
)
public struct TLSTrust: Sendable, Hashable {
    /// Unavailable: needs the trait "Live".
    public static var system: TLSTrust { fatalError("unavailable") }
    /// Unavailable: needs the trait "Live".
    /// - Parameter path: A PEM file.
    /// - Returns: Nothing; needs the trait.
    public static func certificates(pemFile path: String) -> TLSTrust { fatalError("unavailable") }
}

extension TestClient {
    /// Unavailable: live mode needs the package trait "Live".
    /// - Parameters:
    ///   - app: The app.
    ///   - configuration: The configuration.
    ///   - server: Where the app runs.
    ///   - fileID: The caller's.
    ///   - filePath: The caller's.
    ///   - line: The caller's.
    ///   - column: The caller's.
    @available(
        *, unavailable,
        message: "live mode needs the package trait \"Live\": add traits: [\"Live\"] to the .package(url: …/swift-asgi-testclient …) line (in this checkout: swift build --traits Live)"
    )
    public convenience init(
        app: String,
        configuration: TestClientConfiguration = TestClientConfiguration(),
        server: AppServer,
        fileID: String = #fileID,
        filePath: String = #filePath,
        line: Int = #line,
        column: Int = #column
    ) async throws { fatalError("unavailable") }

    /// Unavailable: live mode needs the package trait "Live".
    /// - Parameters:
    ///   - url: The server.
    ///   - configuration: The configuration.
    ///   - trust: The certificates to trust.
    ///   - fileID: The caller's.
    ///   - filePath: The caller's.
    ///   - line: The caller's.
    ///   - column: The caller's.
    @available(
        *, unavailable,
        message: "live mode needs the package trait \"Live\": add traits: [\"Live\"] to the .package(url: …/swift-asgi-testclient …) line (in this checkout: swift build --traits Live)"
    )
    public convenience init(
        url: URL,
        configuration: TestClientConfiguration = TestClientConfiguration(),
        trust: TLSTrust = .system,
        fileID: String = #fileID,
        filePath: String = #filePath,
        line: Int = #line,
        column: Int = #column
    ) async throws { fatalError("unavailable") }
}

/// Unavailable: live mode needs the package trait "Live".
/// - Parameters:
///   - app: The app.
///   - configuration: The configuration.
///   - server: Where the app runs.
///   - isolation: The caller's.
///   - fileID: The caller's.
///   - filePath: The caller's.
///   - line: The caller's.
///   - column: The caller's.
///   - body: The test.
/// - Returns: Nothing; needs the trait.
@available(
    *, unavailable,
    message: "live mode needs the package trait \"Live\": add traits: [\"Live\"] to the .package(url: …/swift-asgi-testclient …) line (in this checkout: swift build --traits Live)"
)
public func withTestClient<Result>(
    app: String,
    configuration: TestClientConfiguration = TestClientConfiguration(),
    server: AppServer,
    isolation: isolated (any Actor)? = #isolation,
    fileID: String = #fileID,
    filePath: String = #filePath,
    line: Int = #line,
    column: Int = #column,
    _ body: (TestClient) async throws -> Result
) async throws -> Result { fatalError("unavailable") }

/// Unavailable: live mode needs the package trait "Live".
/// - Parameters:
///   - url: The server.
///   - configuration: The configuration.
///   - trust: The certificates to trust.
///   - isolation: The caller's.
///   - fileID: The caller's.
///   - filePath: The caller's.
///   - line: The caller's.
///   - column: The caller's.
///   - body: The test.
/// - Returns: Nothing; needs the trait.
@available(
    *, unavailable,
    message: "live mode needs the package trait \"Live\": add traits: [\"Live\"] to the .package(url: …/swift-asgi-testclient …) line (in this checkout: swift build --traits Live)"
)
public func withTestClient<Result>(
    url: URL,
    configuration: TestClientConfiguration = TestClientConfiguration(),
    trust: TLSTrust = .system,
    isolation: isolated (any Actor)? = #isolation,
    fileID: String = #fileID,
    filePath: String = #filePath,
    line: Int = #line,
    column: Int = #column,
    _ body: (TestClient) async throws -> Result
) async throws -> Result { fatalError("unavailable") }
#endif
