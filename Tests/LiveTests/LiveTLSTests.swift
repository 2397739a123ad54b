#if Live
import Foundation
import TestClient
import TestClientLive
import Testing

/// https and wss: uvicorn serving TLS with a self-signed certificate the test makes with openssl.
extension LiveSuites {
    @Suite(.enabled(if: openssl != nil, "openssl makes the test's certificate"))
    struct LiveTLSTests {
        static let app = "python_fixtures.live_app:app"

        /// A key and a self-signed certificate for 127.0.0.1, in a directory of their own.
        struct Certificate {
            var directory: String
            var key: String { directory + "/key.pem" }
            var certificate: String { directory + "/cert.pem" }

            init() throws {
                directory =
                    FileManager.default.temporaryDirectory
                    .appendingPathComponent("live-tls-\(UUID().uuidString)").path
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: try #require(openssl))
                process.arguments = [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
                ]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                try #require(process.terminationStatus == 0, "openssl could not make a certificate")
            }

            var server: AppServer {
                .uvicorn(arguments: ["--ssl-keyfile", key, "--ssl-certfile", certificate])
            }

            func remove() {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }

        @Test func aServerStartedWithACertificateIsReachedOverHTTPSAndWSS() async throws {
            let certificate = try Certificate()
            defer { certificate.remove() }
            try await withTestClient(app: Self.app, server: certificate.server) { client in
                #expect(client.baseURL.scheme == "https")
                let response = try await client.get("/scheme")
                #expect(response.text == "https")
                try await client.websocket("/ws") { socket in
                    try await socket.send(text: "scheme")
                    #expect(try await socket.receiveText() == "wss")
                    try await socket.send(bytes: [1, 2, 3])
                    #expect(try await socket.receiveBytes() == [3, 2, 1])
                }
            }
        }

        @Test func aURLClientTrustsTheCertificatesItIsGivenAndNoOthers() async throws {
            let certificate = try Certificate()
            defer { certificate.remove() }
            try await withTestClient(app: Self.app, server: certificate.server) { owner in
                try await withTestClient(url: owner.baseURL, trust: .certificates(pemFile: certificate.certificate)) {
                    client in
                    #expect(try await client.get("/scheme").text == "https")
                    try await client.websocket("/ws") { socket in
                        try await socket.send(text: "hello")
                        #expect(try await socket.receiveText() == "echo hello")
                    }
                }
                // The system's roots do not hold a certificate the test just made.
                try await withTestClient(url: owner.baseURL) { client in
                    let error = await #expect(throws: TestClientError.self) { _ = try await client.get("/scheme") }
                    #expect(error?.code == .serverUnreachable, "\(String(describing: error))")
                    #expect(String(describing: error).contains("certificate"), "\(String(describing: error))")
                    let refused = await #expect(throws: TestClientError.self) {
                        try await client.websocket("/ws") { _ in }
                    }
                    #expect(refused?.code == .serverUnreachable, "\(String(describing: refused))")
                }
            }
        }

        @Test func certificatesThatCannotBeReadFailTheClient() async throws {
            let error = await #expect(throws: TestClientError.self) {
                _ = try await TestClient(
                    url: URL(string: "https://127.0.0.1:9")!,
                    trust: .certificates(pemFile: "/nonexistent/cert.pem")
                )
            }
            #expect(error?.code == .serverUnreachable, "\(String(describing: error))")
        }
    }
}

/// The openssl that makes the TLS tests' certificates, if the machine has one.
private let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }
#endif
