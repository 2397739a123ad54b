// swift-tools-version:6.2

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-asgi-testclient",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TestClient", targets: ["TestClient"]),
        .executable(name: "asgi", targets: ["asgi"]),
        .library(name: "TestClientOpenAPI", targets: ["TestClientOpenAPI"]),
        .library(name: "TestClientURLSession", targets: ["TestClientURLSession"]),
        // Live mode (a real uvicorn, or any URL): its own product, and its networking stack only
        // with the package trait "Live" (below).
        .library(name: "TestClientLive", targets: ["TestClientLive"]),
    ],
    // "Live" brings in live mode's networking stack (swift-nio, swift-nio-ssl). SwiftPM resolves
    // a dependency only a disabled trait uses not at all, so a package that never asks for "Live"
    // fetches and builds what the `TestClient` product needs and no more. Without it, the
    // `TestClientLive` module declares its API unavailable, with a message that names the trait.
    traits: [
        .trait(
            name: "Live",
            description: "Live mode: TestClientLive over real HTTP against uvicorn or a running server."
        )
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.36.0"),
        // `swift package generate-documentation` (scripts/docs); a plugin, linked into nothing.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPython",
            pkgConfig: "python3-embed",
            // On macOS SwiftPM also searches `$(brew --prefix)/opt/python3/lib/pkgconfig` for a
            // `.brew` provider, where Homebrew's Python keeps python3-embed.pc.
            providers: [.apt(["python3-dev"]), .brew(["python3"])]
        ),
        .target(
            name: "PyASGIBridge",
            dependencies: ["CPython"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestClient",
            dependencies: [
                "PyASGIBridge",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "asgi",
            dependencies: [
                "TestClient",
                "TestClientLive",
                "PyASGIBridge",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PyASGIBridgeTests",
            dependencies: ["PyASGIBridge"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TestClientTests",
            dependencies: [
                "TestClient",
                "PyASGIBridge",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // Tests that run in both modes (`ClientMode`): in-process, and over HTTP against uvicorn.
        // Where the modes differ by design, a test asserts each mode's own result.
        .testTarget(
            name: "SharedModeTests",
            dependencies: [
                "TestClient",
                "TestClientLive",
                "TestClientOpenAPI",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                "TestClientURLSession",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestClientOpenAPI",
            dependencies: [
                "TestClient",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestClientURLSession",
            dependencies: [
                "TestClient",
                "PyASGIBridge",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ContractTests",
            dependencies: [
                "TestClient",
                "TestClientOpenAPI",
                "TestClientURLSession",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            exclude: ["openapi.json", "openapi-generator-config.yaml"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestClientLive",
            dependencies: [
                "TestClient",
                "PyASGIBridge",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Live"])),
                .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["Live"])),
                .product(name: "NIOHTTP1", package: "swift-nio", condition: .when(traits: ["Live"])),
                .product(name: "NIOWebSocket", package: "swift-nio", condition: .when(traits: ["Live"])),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["Live"])),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LiveTests",
            dependencies: [
                "TestClient",
                "TestClientLive",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // The README's ```swift blocks, generated by scripts/readme-snippets: compiled so that a snippet
        // that no longer compiles fails the build. Shared/ links to ContractTests' generated OpenAPI client.
        .testTarget(
            name: "ReadmeSnippetTests",
            dependencies: [
                "TestClient",
                "TestClientLive",
                "TestClientOpenAPI",
                "TestClientURLSession",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: swiftSettings
        ),
        // Tests in a target that defaults to the main actor, as new app targets do: the scoped APIs
        // must compile and run there.
        .testTarget(
            name: "MainActorDefaultTests",
            dependencies: [
                "TestClient",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings + [.defaultIsolation(MainActor.self)]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The benchmark (Benchmarks/) is built only when asked, as scripts/bench does with
// `ASGI_BENCHMARKS=1`: a plain `swift build` or `swift test` never compiles it. It stays a target of
// this package, not a package of its own, so that it may use the `package` symbols of the bridge.
if Context.environment["ASGI_BENCHMARKS"] != nil {
    package.targets.append(
        .executableTarget(
            name: "asgi-bench",
            dependencies: [
                "TestClient",
                "TestClientLive",
                "PyASGIBridge",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/asgi-bench",
            swiftSettings: swiftSettings
        )
    )
}
