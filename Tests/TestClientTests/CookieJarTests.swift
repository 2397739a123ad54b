import Foundation
import Testing

@testable import TestClient

struct CookieJarTests {
    /// A fixed "now": 2024-01-01T00:00:00Z.
    let now = Date(timeIntervalSince1970: 1_704_067_200)

    func jar(_ headers: String..., host: String = "example.com", path: String = "/") -> CookieJar {
        let jar = CookieJar()
        for header in headers {
            jar.setCookie(from: header, requestHost: host, requestPath: path, now: now)
        }
        return jar
    }

    func header(
        _ jar: CookieJar,
        host: String = "example.com",
        path: String = "/",
        secure: Bool = false,
        at time: Date? = nil
    ) -> String? {
        jar.cookieHeader(host: host, path: path, secure: secure, now: time ?? now)
    }

    // MARK: Parsing

    @Test func parsesNameValueAndAttributes() throws {
        let jar = jar(" sid = abc 123 ; Path=/app; Secure; HttpOnly; SameSite=lax; Unknown=1", path: "/app/login")
        let cookie = try #require(jar.cookies.first)
        #expect(jar.cookies.count == 1)
        #expect(
            cookie
                == Cookie(
                    name: "sid",
                    value: "abc 123",
                    domain: "example.com",
                    hostOnly: true,
                    path: "/app",
                    secure: true,
                    httpOnly: true,
                    expires: nil,
                    sameSite: "Lax"
                )
        )
    }

    @Test func attributeNamesAreCaseInsensitive() throws {
        let jar = jar("a=1; PATH=/x; SECURE; httponly; SAMESITE=STRICT; max-AGE=10")
        let cookie = try #require(jar.cookies.first)
        #expect(cookie.path == "/x")
        #expect(cookie.secure)
        #expect(cookie.httpOnly)
        #expect(cookie.sameSite == "Strict")
        #expect(cookie.expires == now.addingTimeInterval(10))
    }

    @Test func unknownSameSiteIsNil() throws {
        let jar = jar("a=1; SameSite=Bogus", "b=2; SameSite=None")
        #expect(jar.cookies.map(\.sameSite) == [nil, "None"])
    }

    @Test func quotedValuesAreKeptVerbatim() throws {
        let jar = jar(#"greeting="hello world"; Path=/"#, #"empty="""#)
        #expect(jar.cookies.map(\.value) == [#""hello world""#, #""""#])
        #expect(header(jar) == #"greeting="hello world"; empty="""#)
    }

    @Test func emptyValueIsAllowed() {
        let jar = jar("a=")
        #expect(header(jar) == "a=")
    }

    @Test(arguments: ["novalue", "=value", " =value", "a=b\u{0}c", "a\nb=c", "a=b\r\nX-Injected: 1", ""])
    func malformedCookiesAreIgnored(_ header: String) {
        #expect(jar(header).cookies.isEmpty)
    }

    @Test func lastAttributeWins() throws {
        let jar = jar("a=1; Path=/one; Path=/two; Max-Age=5; Max-Age=50")
        let cookie = try #require(jar.cookies.first)
        #expect(cookie.path == "/two")
        #expect(cookie.expires == now.addingTimeInterval(50))
    }

    // MARK: Expiry

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",  // RFC 1123
        "Sunday, 06-Nov-94 08:49:37 GMT",  // RFC 850
        "Sun Nov  6 08:49:37 1994",  // asctime
        "sun, 6 NOV 1994 8:49:37 gmt",
    ])
    func parsesExpiresFormats(_ text: String) {
        #expect(SetCookieParser.parseCookieDate(Array(text.utf8)) == Date(timeIntervalSince1970: 784_111_777))
    }

    @Test func parsesExpiresEdgeDates() {
        func parse(_ text: String) -> Date? { SetCookieParser.parseCookieDate(Array(text.utf8)) }
        #expect(parse("Thu, 01 Jan 1970 00:00:00 GMT") == Date(timeIntervalSince1970: 0))
        #expect(parse("Tue, 29 Feb 2028 23:59:59 GMT") == Date(timeIntervalSince1970: 1_835_481_599))
        #expect(parse("Sat, 01-Jan-00 00:00:00 GMT") == Date(timeIntervalSince1970: 946_684_800))  // 00 is 2000
        #expect(parse("Wed, 01 Jan 1601 00:00:00 GMT") == Date(timeIntervalSince1970: -11_644_473_600))
        #expect(parse("Thu, 29 Feb 2029 00:00:00 GMT") == nil)  // no such day
        #expect(parse("Thu, 31 Apr 2029 00:00:00 GMT") == nil)
        #expect(parse("Thu, 01 Jan 1600 00:00:00 GMT") == nil)  // before 1601
        #expect(parse("Thu, 01 Jan 2030 24:00:00 GMT") == nil)
        #expect(parse("Thu, 01 Jan 2030 GMT") == nil)  // no time
        #expect(parse("Thu, 01 Foo 2030 00:00:00 GMT") == nil)  // no month
        #expect(parse("tomorrow") == nil)
        #expect(parse("") == nil)
    }

    @Test func expiresMakesPersistentCookie() throws {
        let jar = jar("a=1; Expires=Wed, 01 Jan 2025 00:00:00 GMT")
        #expect(try #require(jar.cookies.first).expires == Date(timeIntervalSince1970: 1_735_689_600))
        #expect(header(jar) == "a=1")
        #expect(header(jar, at: Date(timeIntervalSince1970: 1_735_689_599)) == "a=1")
        #expect(header(jar, at: Date(timeIntervalSince1970: 1_735_689_600)) == nil)
        #expect(jar.cookies.isEmpty)  // evicted
    }

    @Test func invalidExpiresMakesSessionCookie() throws {
        let jar = jar("a=1; Expires=soon")
        #expect(try #require(jar.cookies.first).expires == nil)
    }

    @Test func maxAgeWinsOverExpiresInEitherOrder() throws {
        let past = "Thu, 01 Jan 1970 00:00:00 GMT"
        let future = "Fri, 01 Jan 2100 00:00:00 GMT"
        let jar = jar(
            "a=1; Expires=\(past); Max-Age=60",
            "b=2; Max-Age=60; Expires=\(past)",
            "c=3; Expires=\(future); Max-Age=0",
            "d=4; Max-Age=-1; Expires=\(future)"
        )
        #expect(jar.cookies.map(\.name) == ["a", "b"])
        #expect(jar.cookies.map(\.expires) == [now.addingTimeInterval(60), now.addingTimeInterval(60)])
        #expect(header(jar, at: now.addingTimeInterval(59)) == "a=1; b=2")
        #expect(header(jar, at: now.addingTimeInterval(60)) == nil)
    }

    @Test(arguments: ["", "abc", "1.5", "+5", "-", "5s"])
    func malformedMaxAgeIsIgnored(_ maxAge: String) throws {
        let jar = jar("a=1; Max-Age=\(maxAge); Expires=Fri, 01 Jan 2100 00:00:00 GMT")
        #expect(try #require(jar.cookies.first).expires == Date(timeIntervalSince1970: 4_102_444_800))
    }

    @Test func hugeMaxAgeSaturates() throws {
        let jar = jar("a=1; Max-Age=99999999999999999999999999999")
        let cookie = try #require(jar.cookies.first)
        #expect(cookie.expires == .distantFuture)
        #expect(header(jar) == "a=1")
    }

    // MARK: Deletion

    @Test func maxAgeZeroDeletes() {
        let jar = jar("a=1", "b=2", "a=gone; Max-Age=0")
        #expect(jar.cookies.map(\.name) == ["b"])
        #expect(header(jar) == "b=2")
    }

    @Test func pastExpiresDeletes() {
        let jar = jar("a=1; Path=/p", "a=; Path=/p; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(jar.cookies.isEmpty)
    }

    @Test func deletionOnlyHitsSameNameDomainAndPath() {
        let jar = jar("a=1; Path=/p", "a=2", "a=3; Domain=example.com")
        jar.setCookie(from: "a=x; Max-Age=0; Path=/other", requestHost: "example.com", requestPath: "/", now: now)
        jar.setCookie(from: "A=x; Max-Age=0; Path=/p", requestHost: "example.com", requestPath: "/", now: now)
        jar.setCookie(from: "a=x; Max-Age=0", requestHost: "www.example.com", requestPath: "/", now: now)
        #expect(jar.cookies.map(\.value) == ["1", "3"])  // "a=3" replaced the host-only "a=2"

        jar.setCookie(
            from: "a=x; Max-Age=0; Domain=.EXAMPLE.com",
            requestHost: "www.example.com",
            requestPath: "/",
            now: now
        )
        #expect(jar.cookies.map(\.value) == ["1"])
    }

    @Test func deletingAnAbsentCookieStoresNothing() {
        #expect(jar("a=1; Max-Age=0").cookies.isEmpty)
    }

    // MARK: Domains

    @Test func hostOnlyCookieGoesToItsHostOnly() throws {
        let jar = jar("a=1", host: "Example.COM")
        let cookie = try #require(jar.cookies.first)
        #expect(cookie.domain == "example.com")
        #expect(cookie.hostOnly)
        #expect(header(jar, host: "example.com") == "a=1")
        #expect(header(jar, host: "EXAMPLE.com") == "a=1")
        #expect(header(jar, host: "example.com:8000") == "a=1")
        #expect(header(jar, host: "www.example.com") == nil)
        #expect(header(jar, host: "example.org") == nil)
        #expect(header(jar, host: "com") == nil)
    }

    @Test func domainCookieGoesToDomainAndSubdomains() throws {
        let jar = jar("a=1; Domain=.Example.COM", host: "www.example.com")
        let cookie = try #require(jar.cookies.first)
        #expect(cookie.domain == "example.com")
        #expect(!cookie.hostOnly)
        #expect(header(jar, host: "example.com") == "a=1")
        #expect(header(jar, host: "www.example.com") == "a=1")
        #expect(header(jar, host: "a.b.EXAMPLE.com") == "a=1")
        #expect(header(jar, host: "notexample.com") == nil)
        #expect(header(jar, host: "example.com.evil.org") == nil)
        #expect(header(jar, host: "com") == nil)
    }

    @Test func domainEqualToHostIsADomainCookie() throws {
        let jar = jar("a=1; Domain=testserver", host: "testserver")
        #expect(try #require(jar.cookies.first).hostOnly == false)
        #expect(header(jar, host: "api.testserver") == "a=1")
    }

    @Test(arguments: [
        ("example.com", "other.com"),
        ("example.com", "sub.example.com"),  // a parent cannot set for a child
        ("example.com", "ample.com"),
        ("www.example.com", "w.example.com"),
        ("example.com", "example.com.au"),
    ])
    func foreignDomainIsRejected(host: String, domain: String) {
        #expect(jar("a=1; Domain=\(domain)", host: host).cookies.isEmpty)
    }

    @Test func emptyDomainAttributeIsIgnored() throws {
        let jar = jar("a=1; Domain=", host: "www.example.com")
        #expect(try #require(jar.cookies.first).hostOnly)
    }

    @Test func ipAddressesOnlyMatchThemselves() throws {
        #expect(jar("a=1; Domain=0.0.1", host: "127.0.0.1").cookies.isEmpty)
        #expect(jar("a=1; Domain=1", host: "127.0.0.1").cookies.isEmpty)

        let jar = jar("a=1", "b=2; Domain=127.0.0.1", host: "127.0.0.1:8000")
        #expect(jar.cookies.map(\.hostOnly) == [true, true])
        #expect(jar.cookies.map(\.domain) == ["127.0.0.1", "127.0.0.1"])
        #expect(header(jar, host: "127.0.0.1") == "a=1; b=2")
        #expect(header(jar, host: "1.127.0.0.1") == nil)

        let v6 = self.jar("a=1", host: "[::1]:8000")
        #expect(v6.cookies.first?.domain == "::1")
        #expect(header(v6, host: "[::1]") == "a=1")
    }

    // MARK: Paths

    @Test(arguments: [
        ("/", "/"),
        ("", "/"),
        ("login", "/"),
        ("/login", "/"),
        ("/a/b/c", "/a/b"),
        ("/a/b/", "/a/b"),
        ("/a/b?next=/x/y", "/a"),
        ("//", "/"),
    ])
    func defaultPath(requestPath: String, expected: String) throws {
        let jar = jar("a=1", "b=2; Path=relative", "c=3; Path=", path: requestPath)
        #expect(jar.cookies.map(\.path) == [expected, expected, expected])
    }

    @Test func pathMatching() {
        let jar = jar("a=1; Path=/docs")
        #expect(header(jar, path: "/docs") == "a=1")
        #expect(header(jar, path: "/docs/") == "a=1")
        #expect(header(jar, path: "/docs/web/page") == "a=1")
        #expect(header(jar, path: "/docs?q=1") == "a=1")
        #expect(header(jar, path: "/") == nil)
        #expect(header(jar, path: "/doc") == nil)
        #expect(header(jar, path: "/docsets") == nil)
        #expect(header(jar, path: "/Docs") == nil)
        #expect(header(jar, path: "/other?/docs") == nil)

        let slash = self.jar("a=1; Path=/docs/")
        #expect(header(slash, path: "/docs/") == "a=1")
        #expect(header(slash, path: "/docs/x") == "a=1")
        #expect(header(slash, path: "/docs") == nil)
    }

    @Test func rootPathMatchesEverything() {
        let jar = jar("a=1; Path=/")
        #expect(header(jar, path: "/") == "a=1")
        #expect(header(jar, path: "/any/thing") == "a=1")
    }

    // MARK: Secure

    @Test func secureCookiesOnlyOverSecureRequests() {
        let jar = jar("plain=1", "safe=2; Secure")
        #expect(header(jar, secure: false) == "plain=1")
        #expect(header(jar, secure: true) == "plain=1; safe=2")
    }

    // MARK: Ordering and replacement

    @Test func longerPathsFirstThenCreationOrder() {
        let jar = jar("root1=1; Path=/", "deep=2; Path=/a/b", "mid=3; Path=/a", "root2=4; Path=/", "deep2=5; Path=/a/b")
        #expect(header(jar, path: "/a/b/c") == "deep=2; deep2=5; mid=3; root1=1; root2=4")
        #expect(header(jar, path: "/a") == "mid=3; root1=1; root2=4")
    }

    @Test func replacementKeepsCreationOrder() throws {
        let jar = jar("a=1", "b=2", "a=3; HttpOnly")
        #expect(header(jar) == "a=3; b=2")
        #expect(jar.cookies.map(\.name) == ["a", "b"])
        #expect(try #require(jar.cookies.first).httpOnly)
    }

    @Test func sameNameDifferentPathsAreDistinct() {
        let jar = jar("a=root", "a=deep; Path=/x")
        #expect(jar.cookies.count == 2)
        #expect(header(jar, path: "/x/y") == "a=deep; a=root")
    }

    // MARK: Manual API

    @Test func setRemoveAndRemoveAll() {
        let jar = CookieJar()
        jar.set("a", "1", domain: "Testserver")
        jar.set("b", "2", domain: ".testserver", path: "/api")
        #expect(
            jar.cookies == [
                Cookie(name: "a", value: "1", domain: "testserver", hostOnly: true, path: "/"),
                Cookie(name: "b", value: "2", domain: "testserver", hostOnly: false, path: "/api"),
            ]
        )
        #expect(header(jar, host: "testserver", path: "/api/items") == "b=2; a=1")
        #expect(header(jar, host: "sub.testserver", path: "/api") == "b=2")

        jar.set("a", "changed", domain: "testserver")
        #expect(header(jar, host: "testserver") == "a=changed")

        #expect(jar.remove(name: "a", domain: "TESTSERVER"))
        #expect(!jar.remove(name: "a", domain: "testserver"))
        #expect(!jar.remove(name: "b", domain: "testserver"))  // wrong path
        #expect(jar.remove(name: "b", domain: ".testserver", path: "/api"))
        #expect(jar.cookies.isEmpty)

        jar.set("c", "3", domain: "testserver")
        jar.setCookie(from: "d=4", requestHost: "testserver", requestPath: "/", now: now)
        jar.removeAll()
        #expect(jar.cookies.isEmpty)
        #expect(header(jar, host: "testserver") == nil)
    }

    @Test func emptyJarGivesNoHeader() {
        #expect(CookieJar().cookieHeader(host: "example.com", path: "/", secure: true) == nil)
    }

    @Test func defaultNowIsTheCurrentTime() {
        let jar = CookieJar()
        jar.setCookie(from: "a=1; Max-Age=3600", requestHost: "example.com", requestPath: "/")
        jar.setCookie(from: "b=1; Expires=Thu, 01 Jan 2015 00:00:00 GMT", requestHost: "example.com", requestPath: "/")
        #expect(jar.cookieHeader(host: "example.com", path: "/", secure: false) == "a=1")
    }

    @Test func concurrentUseIsSafe() async {
        let jar = CookieJar()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask {
                    jar.setCookie(from: "c\(index)=\(index)", requestHost: "example.com", requestPath: "/")
                    _ = jar.cookieHeader(host: "example.com", path: "/", secure: false)
                }
            }
        }
        #expect(jar.cookies.count == 50)
    }
}
