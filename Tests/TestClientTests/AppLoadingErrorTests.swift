import TestClient
import Testing

/// Loading errors say what to change: where Python looked, the name that was probably meant, and
/// which part of a factory spec is wrong.
struct AppLoadingErrorTests {
    @Test func missingModuleShowsSysPathAndHowToExtendIt() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "no_such_package.service:app")
        }
        #expect(error?.code == .moduleNotFound)
        #expect(error?.message.contains("No module named 'no_such_package'") == true)
        #expect(error?.message.contains("\n") == false)
        let details = error?.details ?? ""
        #expect(details.contains("sys.path"))
        #expect(details.contains("pythonPath"))
        #expect(details.contains("PYTHONPATH"))
        // The package root is on sys.path (that is how python_fixtures resolves), so it is listed.
        #expect(details.contains(Self.packageRoot))
        #expect(error?.description.contains(details) == true)
    }

    @Test func attributeTypoSuggestsTheClosestName() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.load_errors:ap")
        }
        #expect(error?.code == .attributeNotFound)
        #expect(error?.message.contains(#"did you mean "app"?"#) == true)
    }

    @Test func nestedAttributeTypoSuggestsTheWholePath() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.starlette_app:app.routr")
        }
        #expect(error?.code == .attributeNotFound)
        #expect(error?.message.contains(#"did you mean "app.router"?"#) == true)
    }

    @Test func attributeWithNothingCloseMakesNoSuggestion() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.load_errors:zzzzzz")
        }
        #expect(error?.code == .attributeNotFound)
        #expect(error?.message.contains("did you mean") == false)
    }

    @Test func factoryReturningNoneBlamesTheReturnValue() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.load_errors:create_app_without_return()")
        }
        #expect(error?.code == .notCallable)
        #expect(error?.message.contains(#"Factory "create_app_without_return()""#) == true)
        #expect(error?.message.contains("returned None") == true)
        #expect(error?.message.contains("is not callable.") == false)
    }

    @Test func factoryReturningAnotherValueNamesItsType() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.load_errors:create_settings()")
        }
        #expect(error?.code == .notCallable)
        #expect(error?.message.contains("returned a dict") == true)
    }

    @Test func factoryThatIsNotCallableIsBlamedItself() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.raw_asgi:not_an_app()")
        }
        #expect(error?.code == .notCallable)
        #expect(
            error?.message.contains(#"Factory "not_an_app" in module "python_fixtures.raw_asgi" is not callable"#)
                == true
        )
    }

    static var packageRoot: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }
}
