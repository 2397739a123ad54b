// swift-tools-version:6.1

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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
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
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "asgi-bench",
            dependencies: [
                "TestClient",
                "PyASGIBridge",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
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
    ],
    swiftLanguageModes: [.v6]
)
