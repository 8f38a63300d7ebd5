// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "passport",
    products: [
        .executable(name: "passport", targets: ["passport"]),
    ],
    targets: [
        // C libraries from Debian, each wrapped once by one small Swift type.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),

        // The consent model and its rules: pure Swift, no I/O.
        .target(name: "PassportDomain"),
        // AES-SIV, AES-GCM and SHA-256 through OpenSSL.
        .target(name: "PassportCrypto", dependencies: ["COpenSSL"]),
        .target(name: "PassportDelivery", dependencies: ["CSSH2"]),
        .target(name: "PassportData", dependencies: ["PassportDomain", "PassportCrypto"]),
        // The store behind one protocol; the embedded SQLite implementation and the directory.
        .target(
            name: "PassportStore",
            dependencies: ["PassportDomain", "CSQLite"],
            // The shipped directory CSVs are read from the source tree (or PASSPORT_DIRECTORY_DATA), not
            // declared as resources: SwiftPM's resource accessor would pull in Foundation and its ICU at start.
            exclude: ["Directory"]
        ),
        // The command language: lexer, parser, command registry, completion, help, output.
        .target(name: "PassportLanguage", dependencies: ["PassportDomain", "PassportStore", "PassportCrypto", "PassportDelivery", "PassportData"]),
        // The terminal: libedit line editing, history and Tab.
        .target(name: "PassportTerminal", dependencies: ["CEditLine"]),
        // The thin executable.
        .executableTarget(name: "passport", dependencies: ["PassportLanguage", "PassportTerminal"]),

        .testTarget(name: "PassportDomainTests", dependencies: ["PassportDomain"]),
        .testTarget(name: "PassportCryptoTests", dependencies: ["PassportCrypto"]),
        // Test helpers shared by test targets: the throwaway sshd, the environment passport runs in.
        .target(name: "TestSupport", dependencies: ["PassportDelivery"], path: "Tests/TestSupport"),
        .testTarget(name: "PassportDeliveryTests", dependencies: ["PassportDelivery", "TestSupport"]),
        .testTarget(name: "PassportDataTests", dependencies: ["PassportData", "PassportDomain", "PassportCrypto"]),
        .testTarget(name: "PassportStoreTests", dependencies: ["PassportStore"]),
        .testTarget(name: "PassportLanguageTests", dependencies: ["PassportLanguage"]),
        .testTarget(name: "TerminalTests", dependencies: ["passport", "TestSupport"]),
        .testTarget(
            name: "TranscriptTests",
            dependencies: ["passport", "TestSupport"],
            exclude: ["Transcripts"]
        ),
    ]
)
