import Foundation
@testable import TrellisClickHouse
@testable import TrellisStorage

/// One real ClickHouse server for this test process (Debian's `clickhouse-server`, started by
/// `scripts/clickhouse-node` on free loopback ports under a temporary directory), started on
/// first use; the script stops it when this process is gone. Each test gets its own database.
final class ClickHouseTestServer: Sendable {
    static let shared = Result { try ClickHouseTestServer() }

    let endpoint: String
    private let process: Process
    private let directory: String

    private init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-clickhouse-\(UUID().uuidString)").path
        let httpPort = try Self.freePort(), tcpPort = try Self.freePort()
        endpoint = "http://127.0.0.1:\(httpPort)"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/clickhouse-node").standardized.path
        process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [directory, "\(httpPort)", "\(tcpPort)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // The script stops the server once this process is gone, however it ends.
        process.environment = ProcessInfo.processInfo.environment.merging(["WATCH_PID": "\(getpid())", "REMOVE_DIR": "1"]) { $1 }
        try process.run()
        let ping = ClickHouseConnection(settings: ClickHouseSettings(endpoint: endpoint, timeout: .seconds(1)))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else { throw TestServerError.exited(status: process.terminationStatus, log: directory + "/error.log") }
            if (try? ping.queryBlocking("SELECT 1", context: "waiting for the test server")) == Array("1\n".utf8) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw TestServerError.notReady(endpoint: endpoint)
    }

    /// Settings for a new, empty database with the archive's schema.
    func freshArchiveSettings() throws -> ClickHouseSettings {
        let settings = ClickHouseSettings(endpoint: endpoint, database: "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())
        try ClickHouseArchive.migrate(settings)
        return settings
    }

    private func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestServerError.noFreePort }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    enum TestServerError: Error {
        case exited(status: Int32, log: String)
        case notReady(endpoint: String)
        case noFreePort
    }
}
