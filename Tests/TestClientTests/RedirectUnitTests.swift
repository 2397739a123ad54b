import HTTPTypes
import Testing

@testable import TestClient

/// Issue 12, point 5, pure: where a redirect leads.
struct RedirectUnitTests {
    static let base = Origin(secure: false, host: "testserver", port: nil)

    static func follow(_ location: String, from current: String, headers: HTTPFields = [:]) -> Redirect {
        Redirect(location: location, from: current, headers: headers, base: base)
    }

    @Test(
        "Locations on the client's origin stay paths",
        arguments: [
            ("/method", "/redirect/302", "/method"),
            ("../nested/method?x=1", "/a/b/c", "/a/nested/method?x=1"),
            ("other", "/a/b?q=1", "/a/other"),
            ("?page=2", "/list?page=1", "/list?page=2"),
            ("", "/same?x", "/same?x"),
            ("http://testserver/method?y=2", "/redirect", "/method?y=2"),
            ("http://TESTSERVER:80/x#frag", "/redirect", "/x"),
            ("//testserver/y", "/redirect", "/y"),
            ("x", "items/3", "/items/x"),
        ]
    )
    func sameOrigin(location: String, current: String, target: String) {
        let next = Self.follow(location, from: current, headers: [.hostField: "custom"])
        #expect(next.target == target)
        #expect(next.headers[.hostField] == "custom")  // a Host the test chose stays on its origin
    }

    @Test(
        "Locations on another origin become absolute URLs",
        arguments: [
            ("https://api.example.com:8443/items?q=1", "/login", "https://api.example.com:8443/items?q=1"),
            ("https://api.example.com:443/items", "/login", "https://api.example.com/items"),
            ("//other.test/x", "/login", "http://other.test/x"),
            ("//other.test/x", "https://secure.test/login", "https://other.test/x"),
            ("http://testserver:8080/", "/", "http://testserver:8080/"),
            ("https://testserver/", "/", "https://testserver/"),
        ]
    )
    func otherOrigin(location: String, current: String, target: String) {
        let next = Self.follow(location, from: current, headers: [.hostField: "custom", .accept: "text/plain"])
        #expect(next.target == target)
        #expect(next.headers[.hostField] == nil)
        #expect(next.headers[.accept] == "text/plain")
    }

    @Test func relativeLocationsStayOnTheOriginTheyAnswer() {
        let next = Self.follow("../b?x=1", from: "https://a.test:8443/p/q/r")
        #expect(next.target == "https://a.test:8443/p/b?x=1")
        let query = Self.follow("?x=2", from: "https://a.test:8443/p?x=1")
        #expect(query.target == "https://a.test:8443/p?x=2")
    }

    @Test func backToTheClientsOriginIsAPathAgain() {
        let next = Self.follow("http://testserver/home", from: "https://a.test/login", headers: [.hostField: "a.test"])
        #expect(next.target == "/home")
        #expect(next.headers[.hostField] == nil)
    }

    @Test func aLocationNoRequestCanFollowIsPassedOnToBeRefused() {
        #expect(Self.follow("ftp://files.test/x", from: "/").target == "ftp://files.test/x")
    }
}
