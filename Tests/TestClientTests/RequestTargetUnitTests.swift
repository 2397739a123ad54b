import HTTPTypes
import Testing

@testable import TestClient

/// Issue 12, point 5, pure: targets parsed as httpx takes them.
struct RequestTargetUnitTests {
    static func target(_ text: String, query: [(String, String)] = [], rootPath: String = "") throws -> RequestTarget {
        try RequestTarget(text, query: query, rootPath: rootPath)
    }

    @Test(
        "Paths and queries",
        arguments: [
            ("/items", "/items", "/items", ""),
            ("items/3", "/items/3", "/items/3", ""),
            ("", "/", "/", ""),
            ("?q=1", "/", "/", "q=1"),
            ("/a b/café", "/a b/café", "/a%20b/caf%C3%A9", ""),
            ("/caf%C3%A9/a%2Fb", "/café/a/b", "/caf%C3%A9/a%2Fb", ""),
            ("/x?q=a b&r=\"<é>\"", "/x", "/x", "q=a%20b&r=%22%3C%C3%A9%3E%22"),
            ("/{a}`b`|c^[d]", "/{a}`b`|c^[d]", "/%7Ba%7D%60b%60|c^[d]", ""),
            ("/x#fragment?not-a-query", "/x", "/x", ""),
            ("/q?a=%FF%00&b='x'", "/q", "/q", "a=%FF%00&b='x'"),
            ("/a/../b", "/b", "/b", ""),
            ("/a/./b/", "/a/b/", "/a/b/", ""),
            ("a/../../b", "/b", "/b", ""),
            ("/a/..", "/", "/", ""),
            ("/./", "/", "/", ""),
            ("/a/%2E%2E/b", "/a/../b", "/a/%2E%2E/b", ""),
            ("/a/../b?x=/../y", "/b", "/b", "x=/../y"),
            ("/v1.2/file.txt", "/v1.2/file.txt", "/v1.2/file.txt", ""),
            ("//double", "//double", "//double", ""),
            ("mailto:x", "/mailto:x", "/mailto:x", ""),
            ("http:/x", "/http:/x", "/http:/x", ""),
            ("1http://x/y", "/1http://x/y", "/1http://x/y", ""),
            ("a:b://x", "/a:b://x", "/a:b://x", ""),
            ("/é?é", "/é", "/%C3%A9", "%C3%A9"),
            ("/%41%zz%4", "/A%zz%4", "/%41%zz%4", ""),
        ]
    )
    func relative(text: String, path: String, rawPath: String, query: String) throws {
        let target = try Self.target(text)
        #expect(target.path == path)
        #expect(String(decoding: target.rawPath, as: UTF8.self) == rawPath)
        #expect(String(decoding: target.queryString, as: UTF8.self) == query)
        #expect(target.origin == nil)
    }

    @Test func absoluteURLNamesItsOrigin() throws {
        let target = try Self.target("HTTPS://API.Example.com:8443/items/./a/../b?q=1#top")
        #expect(target.path == "/items/b")
        #expect(String(decoding: target.queryString, as: UTF8.self) == "q=1")
        let origin = try #require(target.origin)
        #expect(origin.secure)
        #expect(origin.host == "api.example.com")
        #expect(origin.port == 8443)
        #expect(origin.hostHeader == "api.example.com:8443")
        #expect(origin.effectivePort == 8443)
    }

    @Test func defaultPortsAndEmptyPathsAndIPv6() throws {
        let plain = try #require(try Self.target("http://example.com:80").origin)
        #expect(plain.port == nil && plain.hostHeader == "example.com" && plain.effectivePort == 80)
        #expect(try Self.target("http://example.com:80").path == "/")
        #expect(try Self.target("https://example.com?x=1").path == "/")
        let ipv6 = try #require(try Self.target("http://[::1]:8080/x").origin)
        #expect(ipv6.host == "::1" && ipv6.hostHeader == "[::1]:8080")
        let websocket = try #require(try Self.target("wss://chat.example.com/ws").origin)
        #expect(websocket.secure && websocket.effectivePort == 443)
    }

    @Test func schemesAsRFC3986SpellsThem() throws {
        #expect(RequestTarget.isAbsoluteURL("a+b.c-1://host"))
        #expect(RequestTarget.isAbsoluteURL("HTTP://host"))
        #expect(!RequestTarget.isAbsoluteURL("://host"))
        #expect(!RequestTarget.isAbsoluteURL("1a://host"))
        #expect(!RequestTarget.isAbsoluteURL("a_b://host"))
        #expect(!RequestTarget.isAbsoluteURL("http:/host"))
        #expect(!RequestTarget.isAbsoluteURL("http:"))
        #expect(!RequestTarget.isAbsoluteURL("é://host"))
    }

    @Test func byteSetsAndPercentEncoding() {
        let set = ByteSet("az").union(ByteSet(0xC0...0xFF)).subtracting(ByteSet("z"))
        #expect(set.contains(UInt8(ascii: "a")) && !set.contains(UInt8(ascii: "z")))
        #expect(set.contains(0xC0) && set.contains(0xFF) && !set.contains(0xBF) && !set.contains(0))
        #expect((0...255).filter { set.contains(UInt8($0)) }.count == 65)
        #expect(Percent.encode("/plain", keeping: Percent.pathSafe) == Array("/plain".utf8))
        #expect(Percent.encode("/a b\u{7F}", keeping: Percent.pathSafe) == Array("/a%20b%7F".utf8))
        #expect(Percent.decode(Array("no-escape".utf8)) == Array("no-escape".utf8))
        #expect(Percent.formEncode("a b*~") == Array("a+b*~".utf8))
    }

    @Test func userinfoBecomesCredentials() throws {
        let origin = try #require(try Self.target("http://ana:s3cr%40t@example.com/").origin)
        #expect(origin.credentials?.user == "ana")
        #expect(origin.credentials?.password == "s3cr@t")
        #expect(origin.host == "example.com")
    }

    @Test func rootPathAndQueryPairs() throws {
        let target = try Self.target("items/1?x=1", query: [("q", "a b")], rootPath: "/api")
        #expect(target.path == "/api/items/1")
        #expect(String(decoding: target.rawPath, as: UTF8.self) == "/api/items/1")
        #expect(String(decoding: target.queryString, as: UTF8.self) == "x=1&q=a%20b")
    }

    @Test(
        "What cannot be a request target is refused, naming the character",
        arguments: [
            ("/a\r\nb", "U+000D (CR) at position 2"),
            ("/a\nb", "U+000A (LF) at position 2"),
            ("/a\u{0}b", "U+0000 (NUL) at position 2"),
            ("/a\tb", "U+0009 (TAB) at position 2"),
            ("/a\u{7F}", "U+007F (DEL) at position 2"),
            ("/x#frag\u{1}", "U+0001 at position 7"),
            ("ftp://example.com/x", "unsupported scheme \"ftp\""),
            ("http:///x", "has no host"),
            ("http://example.com:99999/", "invalid port \"99999\""),
            ("http://example.com:8o/", "invalid port \"8o\""),
            ("http://exa mple.com/", "U+0020"),
            ("http://bücher.example/", "IDNA form"),
            ("http://[::1/", "without \"]\""),
        ]
    )
    func refused(text: String, message: String) {
        let error = #expect(throws: TestClientError.self) { try Self.target(text) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }
}
